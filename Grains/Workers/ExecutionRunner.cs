using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using OrleansScheduler.Execution;
using OrleansScheduler.Grains.Dispatch;
using OrleansScheduler.Grains.Handlers;
using OrleansScheduler.Grains.Hosting;
using OrleansScheduler.Grains.Timing;

namespace OrleansScheduler.Grains.Workers;

/// <summary>
/// The silo's executor. Worker grains hand it executions; it holds each in the silo's timing wheel until its instant,
/// then runs the handler on the thread pool with at most <see cref="SchedulerOptions.MaxConcurrency"/> at once
/// (beyond that, higher priority first, then earlier instant), cancels the handler's token at the job's timeout,
/// retries failures with backoff, and reports every attempt's outcome to the job.
/// </summary>
public sealed partial class ExecutionRunner : IDisposable
{
    private readonly ITimingWheel _wheel;
    private readonly TimeProvider _time;
    private readonly IServiceProvider _services;
    private readonly OutcomeReporter _reporter;
    private readonly ILogger<ExecutionRunner> _logger;
    private readonly int _maxConcurrency;
    private readonly string _silo;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, IJobHandler?> _handlers = new(StringComparer.Ordinal);

    // One lock guards the bookkeeping below; every critical section is a few dictionary or heap operations.
    private readonly Lock _lock = new();
    // Revocations are lazy: a job's minimum version is remembered and checked when an execution falls due (and when
    // one arrives), so holding an execution costs no per-job bookkeeping. Empty unless a job was changed recently.
    private readonly Dictionary<string, Revocation> _revoked = new(StringComparer.Ordinal);
    private readonly PriorityQueue<PendingExecution, (int NegPriority, long DueTicks, long Sequence)> _waiting = new();
    private long _sequence;
    // Slots taken (at most _maxConcurrency) and executions waiting for one: changed with interlocked operations, so that
    // starting an execution while slots are free takes no lock (thousands start at the same instant on the second).
    private int _running;
    private int _waitingCount;
    private int _revokedCount;
    private readonly RecentExecutions _seen = new(SeenMemory);
    private readonly LeaseBook _leases;

    /// <summary>Creates the runner; one per silo.</summary>
    public ExecutionRunner(ITimingWheel wheel, TimeProvider time, IServiceProvider services, OutcomeReporter reporter,
        JobGrainReferences jobs, ExecutionEventPublisher events, ILocalSiloDetails silo, IOptions<SchedulerOptions> options,
        ILogger<ExecutionRunner> logger)
    {
        _wheel = wheel;
        _time = time;
        _services = services;
        _reporter = reporter;
        _logger = logger;
        _maxConcurrency = options.Value.MaxConcurrency;
        _silo = silo.SiloAddress.ToString();
        _leases = new LeaseBook(this, wheel, time, jobs, events, _silo, options.Value.Partitions, options.Value.EffectiveLeaseReportInterval, options.Value.HistorySize,
            options.Value.DispatchLead + options.Value.DispatchWindow, logger);
    }

    /// <summary>Leases this silo holds.</summary>
    public int LeaseCount => _leases.Count;

    /// <summary>Takes or extends a job's lease (see <see cref="JobLease"/>): this silo fires its occurrences until it runs out.</summary>
    /// <returns>What the lease held has not reported yet (a renewal takes the report back with it), or null.</returns>
    public LeaseReport? Grant(JobLease lease) => IsRevoked(lease.JobId, lease.JobVersion) ? null : _leases.Grant(lease);

    /// <summary>What the lease of <paramref name="jobId"/> has not reported yet (null when nothing).</summary>
    public LeaseReport? Collect(string jobId) => _leases.Collect(jobId);

    /// <summary>Packs the progress of the leases of <paramref name="partition"/> for its ledger into <paramref name="ledger"/>.</summary>
    internal void PackLedger(int partition, LeaseLedger.Writer ledger) => _leases.PackProgress(partition, ledger);

    /// <summary>Takes the ledger of <paramref name="partition"/> (its worker activated on this silo).</summary>
    /// <returns>The jobs the ledger names (they held leases of the partition lately).</returns>
    public IEnumerable<string> RestoreLedger(int partition, byte[]? packed)
    {
        var entries = LeaseLedger.Unpack(packed);
        _leases.Restore(partition, entries);
        return entries.Select(e => e.JobId);
    }

    /// <summary>Ends the leases of <paramref name="partition"/>: its worker is leaving this silo.</summary>
    public void DropLeases(int partition, bool toJobs) => _leases.DropPartition(partition, toJobs);

    // A leased occurrence has come: it starts now, unless this silo already took it (the job dispatched it itself too,
    // around a takeover), in which case the run already under way or done counts for the lease.
    // A lease that knows no delivery of the occurrence from its job (dedupe false) starts it without the de-duplication.
    internal void StartLeased(LeasedSchedule lease, Execution.Execution execution, bool dedupe)
    {
        if (!dedupe)
        {
            OnDue(new PendingExecution(this, execution, lease, remembered: false));
            return;
        }
        switch (_seen.Add(execution, _time.GetUtcNow()))
        {
            case Delivery.New:
                OnDue(new PendingExecution(this, execution, lease));
                break;
            case Delivery.Done:
                lease.Finished(execution.ScheduledAt);
                break;
        }
    }

    /// <summary>
    /// Takes an execution delivered by a job (over the stream or directly) and holds it until its instant, unless this
    /// silo has already taken the same occurrence recently: jobs redeliver what they have not heard back about when a
    /// silo dies, and a takeover activation resumes from its persisted point, so the same <c>ExecutionId</c> can
    /// arrive twice. Returns false when it was a duplicate.
    /// </summary>
    public bool AcceptDelivered(Execution.Execution execution)
    {
        // A job taking over (or granting again after its partition moved) may send what its lease ran or holds.
        switch (_leases.Cover(execution))
        {
            case LeaseCover.Finished:
                _reporter.Acknowledge(execution);
                return Dropped(execution);
            case LeaseCover.Fired:
                return Dropped(execution);
        }
        switch (_seen.Add(execution, _time.GetUtcNow()))
        {
            case Delivery.New:
                Accept(execution);
                return true;
            case Delivery.Done:
                // It finished here, but its outcome may have gone to an activation of the job that is gone since.
                _reporter.Acknowledge(execution);
                break;
        }
        return Dropped(execution);
    }

    private bool Dropped(Execution.Execution execution)
    {
        Interlocked.Increment(ref _duplicatesDropped);
        LogDuplicateDropped(_logger, execution.ExecutionId);
        return false;
    }

    private long _duplicatesDropped;

    /// <summary>Deliveries dropped because this silo had already taken, fired or finished the same occurrence.</summary>
    internal long DuplicatesDropped => Interlocked.Read(ref _duplicatesDropped);

    /// <summary>
    /// Takes a batch that came over the execution stream. The stream carries only executions dispatched a lead ahead of
    /// their instant, so one that arrives long after its instant was stuck (a queue that moved between silos): its job
    /// has sent it again directly by then, and this copy is dropped rather than risk a run the de-duplication no longer
    /// remembers.
    /// </summary>
    public void AcceptFromStream(ExecutionBatch batch)
    {
        var staleBefore = _time.GetUtcNow() - StaleStreamDelivery;
        foreach (var execution in batch.Items)
        {
            if (execution.ScheduledAt < staleBefore)
            {
                LogStaleDropped(_logger, execution.ExecutionId);
                continue;
            }
            AcceptDelivered(execution);
        }
    }

    /// <summary>Holds <paramref name="execution"/> until <paramref name="dueAt"/> (its instant, or a retry's backoff end).</summary>
    public void Accept(Execution.Execution execution, DateTimeOffset? dueAt = null)
    {
        if (IsRevoked(execution))
        {
            _seen.Finished(execution);
            return;
        }
        _wheel.Schedule(dueAt ?? execution.ScheduledAt, new PendingExecution(this, execution));
    }

    /// <summary>Drops every held or later-arriving execution of <paramref name="jobId"/> whose version is below <paramref name="minVersion"/>.</summary>
    public void Revoke(string jobId, long minVersion)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            var minimum = _revoked.TryGetValue(jobId, out var known) ? Math.Max(known.MinVersion, minVersion) : minVersion;
            _revoked[jobId] = new Revocation(minimum, now);
            if (_revoked.Count > 1024) ForgetOldRevocations(now);
            Volatile.Write(ref _revokedCount, _revoked.Count);
        }
        _leases.Revoke(jobId, minVersion);
        LogRevoked(_logger, jobId, minVersion);
    }

    private bool IsRevoked(Execution.Execution execution)
    {
        if (!IsRevoked(execution.JobId, execution.JobVersion)) return false;
        LogDroppedRevoked(_logger, execution.ExecutionId, execution.JobVersion);
        return true;
    }

    private bool IsRevoked(string jobId, long version)
    {
        if (Volatile.Read(ref _revokedCount) == 0) return false;
        lock (_lock) return _revoked.TryGetValue(jobId, out var revocation) && version < revocation.MinVersion;
    }

    // Executions of a revoked version are dispatched at most a lead ahead and held at most until due (or a retry's
    // backoff): a revocation older than that can be forgotten.
    private void ForgetOldRevocations(DateTimeOffset now)
    {
        foreach (var (jobId, revocation) in _revoked)
            if (now - revocation.At > RevocationMemory) _revoked.Remove(jobId);
    }

    internal void OnDue(PendingExecution pending)
    {
        if (IsRevoked(pending.Execution))
        {
            if (pending.Remembered) _seen.Finished(pending.Execution);
            return;
        }
        if (Volatile.Read(ref _waitingCount) == 0 && TryTakeSlot())
        {
            _ = RunAsync(pending);
            return;
        }
        lock (_lock)
        {
            var e = pending.Execution;
            _waiting.Enqueue(pending, (-e.Priority, e.ScheduledAt.UtcTicks, _sequence++));
            Interlocked.Increment(ref _waitingCount);
        }
        // A slot may have come free between the check above and the enqueue.
        StartWaiting();
    }

    private bool TryTakeSlot()
    {
        var running = Volatile.Read(ref _running);
        while (running < _maxConcurrency)
        {
            var seen = Interlocked.CompareExchange(ref _running, running + 1, running);
            if (seen == running) return true;
            running = seen;
        }
        return false;
    }

    // Starts waiting executions while slots are free (higher priority first, then earlier instant).
    private void StartWaiting()
    {
        while (Volatile.Read(ref _waitingCount) > 0 && TryTakeSlot())
        {
            if (NextWaiting() is { } next) _ = RunAsync(next);
            else Interlocked.Decrement(ref _running);
        }
    }

    // Runs the execution, then whatever waits, in the slot it holds; a handler that completes at once costs no await.
    private async Task RunAsync(PendingExecution pending)
    {
        while (true)
        {
            var run = RunOneAsync(pending);
            if (!run.IsCompleted) await run.ConfigureAwait(false);
            if (Volatile.Read(ref _waitingCount) == 0 || NextWaiting() is not { } next) break;
            pending = next;
        }
        // The slot goes back; an execution queued meanwhile (it saw no free slot) is started here.
        Interlocked.Decrement(ref _running);
        if (Volatile.Read(ref _waitingCount) > 0) StartWaiting();
    }

    private PendingExecution? NextWaiting()
    {
        lock (_lock)
        {
            while (_waiting.TryDequeue(out var next, out _))
            {
                Interlocked.Decrement(ref _waitingCount);
                if (_revoked.Count > 0 && _revoked.TryGetValue(next.Execution.JobId, out var revocation) && next.Execution.JobVersion < revocation.MinVersion)
                {
                    _seen.Finished(next.Execution);
                    continue;
                }
                return next;
            }
            return null;
        }
    }

    private async Task RunOneAsync(PendingExecution pending)
    {
        var execution = pending.Execution;
        var startedAt = _time.GetUtcNow();
        var handler = _handlers.GetOrAdd(execution.Handler, static (name, services) => services.GetKeyedService<IJobHandler>(name), _services);
        if (handler is null)
        {
            Report(pending, startedAt, ExecutionStatus.HandlerNotFound, $"No handler named '{execution.Handler}' is registered on silo {_silo}.", isFinal: true);
            return;
        }

        var cts = new CancellationTokenSource();
        ExecutionStatus status;
        string? error = null;
        WheelTimeout? timeout = null;
        CancellationTokenRegistration stopping = default;
        try
        {
            var task = handler.ExecuteAsync(new JobContext(execution, startedAt), cts.Token);
            if (!task.IsCompleted)
            {
                // Only a handler that is still running needs a timeout and the shutdown signal. The timeout rides on the
                // silo's wheel rather than a Timer per execution: O(1), and on the injected clock.
                timeout = _wheel.Schedule(startedAt + execution.Timeout, new CancelOnExpiry(cts));
                stopping = _stopping.Token.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), cts);
                await task.WaitAsync(cts.Token).ConfigureAwait(false);
            }
            else
            {
                await task.ConfigureAwait(false);
            }
            status = ExecutionStatus.Succeeded;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            status = _stopping.IsCancellationRequested ? ExecutionStatus.Aborted : ExecutionStatus.TimedOut;
            error = status == ExecutionStatus.TimedOut ? $"Timed out after {execution.Timeout.TotalMilliseconds:0} ms." : "The silo shut down.";
        }
        catch (Exception ex)
        {
            status = ExecutionStatus.Failed;
            error = $"{ex.GetType().Name}: {ex.Message}";
        }
        finally
        {
            timeout?.Cancel();
            stopping.Dispose();
            cts.Dispose();
        }

        var retry = status is ExecutionStatus.Failed or ExecutionStatus.TimedOut && execution.Attempt < execution.Retry.MaxAttempts;
        Report(pending, startedAt, status, error, isFinal: !retry);
        if (retry)
        {
            var next = execution with { Attempt = execution.Attempt + 1 };
            var backoff = execution.Retry.BackoffBefore(next.Attempt);
            LogRetry(_logger, execution.ExecutionId, next.Attempt, backoff.TotalMilliseconds, error);
            Accept(next, _time.GetUtcNow() + backoff);
        }
    }

    // Work items the wheel handed to the pool that have not started yet.
    private int _backlog;
    // Attempts whose outcome waits to be recorded, and whether a drain of them is queued or running.
    private readonly ConcurrentQueue<PendingExecution> _finished = new();
    private int _draining;
    private FinishedDrain? _drain;

    /// <summary>The wheel handed an execution (or a lease's occurrence) to the pool.</summary>
    internal void Handed() => Interlocked.Increment(ref _backlog);

    /// <summary>A handed-over work item has started.</summary>
    internal void Taken() => Interlocked.Decrement(ref _backlog);

    // Starts first: while starts wait in the pool (thousands due at one instant), recording an outcome (de-duplication,
    // lease, event, report to the job) goes to the back of the pool's queue instead of delaying every start behind it.
    private void Report(PendingExecution pending, DateTimeOffset startedAt, ExecutionStatus status, string? error, bool isFinal)
    {
        pending.KeepOutcome(startedAt, _time.GetUtcNow(), status, error, isFinal);
        // A crowd's lane: recorded once every execution of the crowd has started, with no queue shared between cores.
        if (WheelLane.TryDefer(static p => ((PendingExecution)p).RecordOutcome(), pending)) return;
        if (Volatile.Read(ref _backlog) <= 0 && _wheel.PendingRuns <= 0)
        {
            Record(pending);
            return;
        }
        _finished.Enqueue(pending);
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0) ThreadPool.UnsafeQueueUserWorkItem(_drain ??= new FinishedDrain(this), preferLocal: false);
    }

    private void DrainFinished()
    {
        while (true)
        {
            while (_finished.TryDequeue(out var f))
            {
                try
                {
                    Record(f);
                }
                catch (Exception ex)
                {
                    LogRecordFailed(_logger, ex, f.Execution.JobId);
                }
            }
            Volatile.Write(ref _draining, 0);
            // An attempt queued after the last dequeue and before the flag cleared found a drain running: take it here.
            if (_finished.IsEmpty || Interlocked.CompareExchange(ref _draining, 1, 0) != 0) return;
        }
    }

    // Records the outcome the attempt kept (PendingExecution.KeepOutcome).
    internal void Record(PendingExecution pending)
    {
        var execution = pending.Execution;
        var kept = pending.Kept;
        var (startedAt, finishedAt, status, error, isFinal) = (kept.StartedAt, kept.FinishedAt, kept.Status, kept.Error, kept.IsFinal);
        if (status != ExecutionStatus.Succeeded) LogAttemptFailed(_logger, execution.ExecutionId, execution.Attempt, status, error);
        if (isFinal && !execution.Manual && pending.Remembered) _seen.Finished(execution);
        // Leased: kept as values with the lease until its next report; the event goes out now.
        if (!execution.Manual && _leases.TryRecord(pending.Lease, execution, startedAt, finishedAt, status, error, isFinal)) return;
        _reporter.Report(new ExecutionOutcome
        {
            JobId = execution.JobId,
            ExecutionId = execution.ExecutionId,
            ScheduledAt = execution.ScheduledAt,
            Attempt = execution.Attempt,
            Status = status,
            StartedAt = startedAt,
            FinishedAt = finishedAt,
            Error = error,
            IsFinal = isFinal,
            Silo = _silo,
            JobVersion = execution.JobVersion,
            Manual = execution.Manual,
        });
    }

    /// <summary>Cancels running handlers (their outcome is <see cref="ExecutionStatus.Aborted"/>).</summary>
    public void Dispose()
    {
        _leases.Dispose();
        _stopping.Cancel();
        _stopping.Dispose();
    }

    // How long a delivered occurrence is remembered for de-duplication: between one and two of these. Redeliveries come
    // within seconds of a silo's death or a takeover.
    private static readonly TimeSpan SeenMemory = TimeSpan.FromSeconds(30);

    // A stream delivery this late is stale (well inside SeenMemory, so anything younger is still de-duplicated).
    private static readonly TimeSpan StaleStreamDelivery = TimeSpan.FromSeconds(20);

    // How long a revocation is remembered: longer than any lead, stream delay or retry backoff in practice.
    private static readonly TimeSpan RevocationMemory = TimeSpan.FromHours(1);

    private readonly record struct Revocation(long MinVersion, DateTimeOffset At);

    private sealed class FinishedDrain(ExecutionRunner runner) : IThreadPoolWorkItem
    {
        public void Execute() => runner.DrainFinished();
    }

    private sealed class CancelOnExpiry(CancellationTokenSource cts) : IWheelItem, IThreadPoolWorkItem
    {
        // Cancel runs the token's callbacks inline, so it must not run on the wheel's driver thread.
        public void OnExpired() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

        void IThreadPoolWorkItem.Execute()
        {
            try { cts.Cancel(); }
            catch (ObjectDisposedException) { /* the handler finished between expiry and now */ }
        }
    }
}
