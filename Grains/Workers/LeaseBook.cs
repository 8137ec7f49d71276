using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OrleansScheduler.Execution;
using OrleansScheduler.Grains.Dispatch;
using OrleansScheduler.Grains.Timing;

namespace OrleansScheduler.Grains.Workers;

/// <summary>
/// The leases this silo's workers hold (see <see cref="JobLease"/>): one <see cref="LeasedSchedule"/> per job, fired on
/// the silo's wheel and started through the runner like any delivered execution (so the runner's de-duplication sees
/// them). A sweep every tenth of a second sends each lease's report to its job when its turn comes (every
/// report interval, staggered by job so that reports do not bunch) and forgets leases that ran out long ago.
/// </summary>
internal sealed partial class LeaseBook : IDisposable
{
    private static readonly TimeSpan SweepPeriod = TimeSpan.FromMilliseconds(100);
    // A lease nobody extended is kept this long after it ran out (its progress still de-duplicates a late grant).
    private static readonly TimeSpan SpentAfter = TimeSpan.FromMinutes(2);
    private readonly ExecutionRunner _runner;
    private readonly TimeProvider _time;
    private readonly JobGrainReferences _jobs;
    private readonly ExecutionEventPublisher _events;
    private readonly ILogger _logger;
    private readonly long _reportTicks;
    private readonly TimeSpan _dedupeAfterGrant;
    private readonly int _historySize;
    private readonly int _partitions;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LeasedSchedule> _leases = new(StringComparer.Ordinal);
    // Progress read from a partition's ledger when its worker activated here: what the partition's previous silo
    // finished. It moves into a lease granted again, and tells which redelivered occurrences already ran.
    private readonly Dictionary<string, (int Partition, LeaseProgress Progress, DateTimeOffset At)> _restored = new(StringComparer.Ordinal);
    private static readonly TimeSpan RestoredMemory = TimeSpan.FromMinutes(10);
    // The sweep and the ledgers walk snapshots (all leases, and per partition), rebuilt only when leases come or go.
    private LeasedSchedule[]? _snapshot;
    private LeasedSchedule[]?[]? _byPartition;
    // Leases whose schedule has ended: reported at the next sweep rather than at a full pass.
    private readonly ConcurrentQueue<LeasedSchedule> _soon = new();
    private int _sweeps;
    private readonly ITimer _sweep;

    public LeaseBook(ExecutionRunner runner, ITimingWheel wheel, TimeProvider time, JobGrainReferences jobs, ExecutionEventPublisher events,
        string silo, int partitions, TimeSpan reportInterval, int historySize, TimeSpan dispatchAhead, ILogger logger)
    {
        _dedupeAfterGrant = dispatchAhead + TimeSpan.FromSeconds(2);
        _runner = runner;
        Wheel = wheel;
        Silo = silo;
        _partitions = Math.Max(1, partitions);
        _time = time;
        _jobs = jobs;
        _events = events;
        _logger = logger;
        _reportTicks = reportInterval.Ticks;
        _historySize = historySize;
        _sweep = time.CreateTimer(static state => ((LeaseBook)state!).Sweep(), this, SweepPeriod, SweepPeriod);
    }

    public ITimingWheel Wheel { get; }

    /// <summary>This silo's name, as outcomes give it.</summary>
    public string Silo { get; }

    /// <summary>Leases held.</summary>
    public int Count { get { lock (_lock) return _leases.Count; } }

    /// <summary>
    /// Takes or extends a lease. An extension returns the lease's report (the renewal carries it to the job, so a job
    /// that renews in time gets no report of its own), else null.
    /// </summary>
    public LeaseReport? Grant(JobLease lease)
    {
        LeasedSchedule? held;
        LeasedSchedule? created = null;
        lock (_lock)
        {
            if (_leases.TryGetValue(lease.JobId, out held) && lease.JobVersion < held.Version) return null;
            // The partition's previous silo got further than the job knows: start from there.
            if (_restored.TryGetValue(lease.JobId, out var restored) && restored.Progress.Version == lease.JobVersion && restored.Progress.ThroughTicks > lease.After.UtcTicks)
                lease = lease with { After = new DateTimeOffset(restored.Progress.ThroughTicks, TimeSpan.Zero), Count = restored.Progress.Count };
            if (held is null || lease.JobVersion > held.Version)
            {
                // The first report comes in the last quarter of the interval, at a point given by the job's id, so that
                // leases granted together (a cluster start, jobs created in bulk) report at different moments. With the
                // default interval (the lease) that is after the job's first renewal, which comes at most three quarters
                // of a lease after the grant and takes the report back with it, and before the lease runs out: a lease
                // reports on its own only when its job stopped renewing. (Half an interval to a whole one, as before,
                // came ahead of the renewal for half the jobs: a report, a history flush timer and a turn per job, in
                // the middle of the renewals.)
                var offset = (long)(StableHash.Of(lease.JobId) % (ulong)Math.Max(1, _reportTicks));
                created = new LeasedSchedule(this, lease, _historySize, _time.GetUtcNow().UtcTicks + _reportTicks * 3 / 4 + offset / 4);
                _leases[lease.JobId] = created;
                Changed();
            }
        }
        if (created is null)
        {
            held!.Extend(lease);
            held.NextReportTicks = _time.GetUtcNow().UtcTicks + _reportTicks;
            return held.TakeReport();
        }
        if (held is not null) Retire(held);
        created.Arm();
        LogGranted(_logger, lease.JobId, lease.JobVersion, lease.After, lease.Until);
        return null;
    }

    /// <summary>Ends the lease of <paramref name="jobId"/> if it fires a version below <paramref name="minVersion"/>.</summary>
    public void Revoke(string jobId, long minVersion)
    {
        LeasedSchedule? revoked;
        lock (_lock)
        {
            if (!_leases.TryGetValue(jobId, out revoked) || revoked.Version >= minVersion) return;
            _leases.Remove(jobId);
            Changed();
        }
        Retire(revoked);
    }

    /// <summary>
    /// Ends every lease of <paramref name="partition"/> (its worker is leaving this silo), sends each job what its lease has
    /// not reported and asks it to grant its lease again, wherever the partition's worker lives next. Neither when the last
    /// silo is stopping (<paramref name="toJobs"/> false): there is no silo to place a job on, every message would fail
    /// placement, and the partition's ledger has stored how far each lease finished.
    /// </summary>
    /// <remarks>
    /// A worker does not only leave with its silo: the runtime also deactivates live activations, e.g. every activation
    /// whose directory registration was held by a silo that just died (DirectoryFailure), a moment after the membership
    /// change that made the jobs grant again. A grant that reached this activation before it went is lost with it, and
    /// the job, whose call succeeded, would not grant again before its renewal (up to half a lease later: the ~11.5 s
    /// resume delays seen in the Redis kill test).
    /// </remarks>
    public void DropPartition(int partition, bool toJobs)
    {
        List<LeasedSchedule> dropped = [];
        lock (_lock)
        {
            foreach (var lease in _leases.Values)
                if (lease.Partition == partition) dropped.Add(lease);
            foreach (var lease in dropped) _leases.Remove(lease.JobId);
            Changed();
        }
        if (!toJobs)
        {
            foreach (var lease in dropped) lease.Drop();
            return;
        }
        foreach (var lease in dropped) Retire(lease);
        // One-way and not awaited: the worker is deactivating, and the job's grant comes back to this partition (the
        // runtime holds it until a new activation, which restores the ledger, takes it).
        foreach (var lease in dropped) _jobs.Job(lease.JobId).RedeliverAsync().Ignore();
    }

    // A lease that ends still sends what it has not reported (outcomes of the old version go to the job's history).
    private void Retire(LeasedSchedule lease)
    {
        lease.Drop();
        Send(lease);
    }

    /// <summary>Takes the progress the partition's ledger held when its worker activated on this silo.</summary>
    public void Restore(int partition, IReadOnlyList<LeaseProgress> entries)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            foreach (var entry in entries)
                if (!_restored.TryGetValue(entry.JobId, out var known) || entry.Version > known.Progress.Version || entry.ThroughTicks > known.Progress.ThroughTicks)
                    _restored[entry.JobId] = (partition, entry, now);
        }
    }

    /// <summary>The progress of every lease of <paramref name="partition"/>, and of what was restored for it and not granted again yet.</summary>
    public void PackProgress(int partition, LeaseLedger.Writer entries)
    {
        var forgetBefore = _time.GetUtcNow() - RestoredMemory;
        entries.Reset();
        lock (_lock)
        {
            foreach (var lease in PartitionSnapshot(partition)) entries.Add(lease.Progress());
            List<string>? forget = null;
            foreach (var (jobId, restored) in _restored)
            {
                if (restored.At < forgetBefore) (forget ??= []).Add(jobId);
                else if (restored.Partition == partition && !_leases.ContainsKey(jobId)) entries.Add(restored.Progress);
            }
            if (forget is not null) foreach (var jobId in forget) _restored.Remove(jobId);
        }
    }

    /// <summary>What the leases know of an occurrence its job delivered directly (around a takeover of the job or the partition).</summary>
    public LeaseCover Cover(Execution.Execution execution)
    {
        if (execution.Manual) return LeaseCover.None;
        LeasedSchedule? lease;
        var ticks = execution.ScheduledAt.UtcTicks;
        lock (_lock)
        {
            if (_restored.Count > 0 && _restored.TryGetValue(execution.JobId, out var restored) && restored.Progress.Finished(execution.JobVersion, ticks))
                return LeaseCover.Finished;
            if (_leases.Count == 0 || !_leases.TryGetValue(execution.JobId, out lease)) return LeaseCover.None;
        }
        return lease.Cover(execution.JobVersion, ticks);
    }

    /// <summary>
    /// What the lease of <paramref name="jobId"/> has not reported yet, or at least how far it has finished; without a
    /// lease here, how far the partition's ledger says it finished on its previous silo; null when neither is known.
    /// </summary>
    public LeaseReport? Collect(string jobId)
    {
        LeasedSchedule? lease;
        lock (_lock)
        {
            if (!_leases.TryGetValue(jobId, out lease))
            {
                if (!_restored.TryGetValue(jobId, out var restored)) return null;
                var progress = restored.Progress;
                return new LeaseReport
                {
                    JobId = jobId,
                    JobVersion = progress.Version,
                    FinishedThrough = new DateTimeOffset(progress.ThroughTicks, TimeSpan.Zero),
                    FinishedCount = progress.Count,
                };
            }
        }
        return lease.TakeReport() ?? lease.ProgressReport();
    }

    /// <summary>
    /// Records an attempt's outcome with the lease that fired it, and publishes it as an execution event (the job would
    /// have, had it been reported per occurrence); false when no lease fired it. The lease that fired the attempt is
    /// given when known (a first attempt), else looked up by job.
    /// </summary>
    public bool TryRecord(LeasedSchedule? lease, Execution.Execution execution, DateTimeOffset startedAt, DateTimeOffset finishedAt, ExecutionStatus status,
        string? error, bool isFinal)
    {
        if (lease is null)
        {
            // Read without the lock first: a silo without leases pays nothing here per attempt.
            if (_leases.Count == 0) return false;
            lock (_lock)
            {
                if (_leases.Count == 0 || !_leases.TryGetValue(execution.JobId, out lease)) return false;
            }
        }
        if (!lease.TryRecord(execution, startedAt.UtcTicks, finishedAt.UtcTicks, status, error, isFinal)) return false;
        _events.Publish(execution.JobId, execution.ScheduledAt.UtcTicks, startedAt.UtcTicks, finishedAt.UtcTicks, execution.Attempt, status,
            isFinal, manual: false, Silo, execution.JobVersion, error);
        return true;
    }

    internal void Handed() => _runner.Handed();

    internal void Taken() => _runner.Taken();

    internal void Start(LeasedSchedule lease, Execution.Execution execution, bool dedupe) => _runner.StartLeased(lease, execution, dedupe);

    // A lease taken or moved now may meet deliveries its job sent around the grant (dispatched a lead ahead, or on the
    // stream): its occurrences due this soon start through the de-duplication.
    // A job dispatches at most its lead plus its dispatch window ahead; two seconds more for the hand-over.
    internal long DedupeHorizon() => (_time.GetUtcNow() + _dedupeAfterGrant).UtcTicks;

    internal DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Reports the lease at the next sweep (its schedule has ended: the job completes on that report).</summary>
    internal void ReportSoon(LeasedSchedule lease) => _soon.Enqueue(lease);

    // Every tenth of a second: the leases whose schedule ended. Every second: a pass over all leases for the reports due
    // by interval (a lease whose job stopped renewing) and the leases spent long ago.
    private void Sweep()
    {
        try
        {
            while (_soon.TryDequeue(out var lease)) Send(lease);
            if (++_sweeps % FullPassEvery != 0) return;
            var now = _time.GetUtcNow();
            var nowTicks = now.UtcTicks;
            var spentBefore = now - SpentAfter;
            List<LeasedSchedule>? spent = null;
            foreach (var lease in Snapshot())
            {
                if (lease.NextReportTicks <= nowTicks)
                {
                    lease.NextReportTicks += _reportTicks;
                    if (lease.NextReportTicks <= nowTicks) lease.NextReportTicks = nowTicks + _reportTicks;
                    Send(lease);
                }
                if (lease.IsSpent(spentBefore)) (spent ??= []).Add(lease);
            }
            if (spent is null) return;
            lock (_lock)
            {
                foreach (var lease in spent)
                    if (_leases.TryGetValue(lease.JobId, out var held) && ReferenceEquals(held, lease)) _leases.Remove(lease.JobId);
                Changed();
            }
        }
        catch (Exception ex)
        {
            LogSweepFailed(_logger, ex);
        }
    }

    private const int FullPassEvery = 10;

    // Under _lock.
    private void Changed()
    {
        _snapshot = null;
        _byPartition = null;
    }

    private LeasedSchedule[] Snapshot()
    {
        lock (_lock) return _snapshot ??= [.. _leases.Values];
    }

    private LeasedSchedule[] PartitionSnapshot(int partition)
    {
        if (_byPartition is null)
        {
            var lists = new List<LeasedSchedule>[_partitions];
            foreach (var lease in _leases.Values) (lists[lease.Partition % _partitions] ??= []).Add(lease);
            _byPartition = [.. lists.Select(list => list is null ? [] : list.ToArray())];
        }
        return _byPartition[partition % _partitions] ?? [];
    }

    private void Send(LeasedSchedule lease)
    {
        if (lease.TakeReport() is { } report) _jobs.Job(lease.JobId).ReportLeaseAsync(report).Ignore();
    }

    /// <summary>Stops every lease (the silo is stopping).</summary>
    public void Dispose()
    {
        _sweep.Dispose();
        foreach (var lease in Snapshot()) lease.Drop();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Lease of job {JobId} v{Version} granted: after {After:o} until {Until:o}")]
    private static partial void LogGranted(ILogger logger, string jobId, long version, DateTimeOffset after, DateTimeOffset until);

    [LoggerMessage(Level = LogLevel.Error, Message = "The lease sweep failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
