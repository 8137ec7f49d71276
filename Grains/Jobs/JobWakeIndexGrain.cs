using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace OrleansScheduler.Grains.Jobs;

/// <summary>What a wake-index bucket persists: job id → when to wake it (UTC ticks).</summary>
[GenerateSerializer, Alias("grains.JobWakeIndexState")]
public sealed class JobWakeIndexState
{
    /// <summary>Wake times by job id.</summary>
    [Id(0)] public Dictionary<string, long> Wakes { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// A bucket of the far-horizon wake index. Changes are group-committed (a burst of jobs going far costs a few writes).
/// In memory the entries also sit in a priority queue by wake time; one grain timer waits for the earliest, wakes what is
/// due (<see cref="IJobGrain.DueAsync"/>, many at once) and forgets an entry once its job has taken over. A job that
/// cannot be reached is tried again a few seconds later. A reminder per bucket (not per job) reactivates the bucket
/// after a restart or the loss of its silo; the failover watcher also pings buckets when a silo leaves.
/// </summary>
[Reentrant]
public sealed partial class JobWakeIndexGrain(
    [PersistentState("wakes", StorageNames.Jobs)] IPersistentState<JobWakeIndexState> state,
    TimeProvider time,
    ILogger<JobWakeIndexGrain> logger) : Grain, IJobWakeIndexGrain, IRemindable
{
    private const string ReminderName = "wake-index";
    private const int Parallelism = 64;
    private const int MaxWakesPerRound = 2_000;
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);
    // Grain timers run on the real clock: a long wait is cut into pieces so that the injected clock is read again.
    private static readonly TimeSpan MaxTimerWait = TimeSpan.FromSeconds(30);

    // Lazy: an entry whose time changed or that was removed stays queued until it comes up and is skipped then.
    private readonly PriorityQueue<string, long> _queue = new();
    private GroupCommit? _commit;
    private IGrainTimer? _timer;
    private long _timerAt = long.MaxValue;
    private bool _waking;
    private bool _reminderRegistered;
    private Task? _registeringReminder;

    private Dictionary<string, long> Wakes => state.State.Wakes;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var (jobId, ticks) in Wakes) _queue.Enqueue(jobId, ticks);
        Arm();
        if (Wakes.Count > 0) await (_registeringReminder ??= EnsureReminderAsync());
    }

    /// <inheritdoc />
    public Task SetAsync(string jobId, DateTimeOffset wakeAt)
    {
        if (Wakes.TryGetValue(jobId, out var known) && known == wakeAt.UtcTicks) return Task.CompletedTask;
        Put(jobId, wakeAt.UtcTicks);
        Arm();
        return SaveAsync();
    }

    /// <inheritdoc />
    public Task SetManyAsync(IReadOnlyList<JobWake> wakes)
    {
        foreach (var wake in wakes) Put(wake.JobId, wake.WakeAt.UtcTicks);
        Arm();
        return SaveAsync();
    }

    /// <inheritdoc />
    public Task RemoveAsync(string jobId) => Wakes.Remove(jobId) ? SaveAsync() : Task.CompletedTask;

    /// <inheritdoc />
    public Task<(int Count, DateTimeOffset? Earliest)> DescribeAsync() =>
        Task.FromResult<(int, DateTimeOffset?)>((Wakes.Count, TryPeek(out _, out var ticks) ? new DateTimeOffset(ticks, TimeSpan.Zero) : null));

    /// <inheritdoc />
    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _reminderRegistered = true;
        if (Wakes.Count == 0) return UnregisterReminderAsync();
        return _waking ? Task.CompletedTask : WakeDueAsync();
    }

    private void Put(string jobId, long ticks)
    {
        Wakes[jobId] = ticks;
        _queue.Enqueue(jobId, ticks);
        // Entries superseded many times over: rebuild rather than let the queue grow without bound.
        if (_queue.Count > 2 * Wakes.Count + 1_024)
        {
            _queue.Clear();
            foreach (var (id, at) in Wakes) _queue.Enqueue(id, at);
        }
    }

    private async Task SaveAsync()
    {
        await (_commit ??= new GroupCommit(() => state.WriteStateAsync())).WriteSoonAsync();
        if (!_reminderRegistered && Wakes.Count > 0) await (_registeringReminder ??= EnsureReminderAsync());
    }

    // The earliest entry that is still current (stale queue entries are dropped on the way).
    private bool TryPeek(out string jobId, out long ticks)
    {
        while (_queue.TryPeek(out jobId!, out ticks))
        {
            if (Wakes.TryGetValue(jobId, out var current) && current == ticks) return true;
            _queue.Dequeue();
        }
        return false;
    }

    // Waits for the earliest entry (unless a wake round is running: it re-arms when done).
    private void Arm()
    {
        if (_waking) return;
        if (!TryPeek(out _, out var ticks))
        {
            CancelTimer();
            return;
        }
        if (_timer is not null && ticks >= _timerAt) return;
        CancelTimer();
        var wait = TimeSpan.FromTicks(Math.Max(0, ticks - time.GetUtcNow().UtcTicks));
        if (wait > MaxTimerWait) wait = MaxTimerWait;
        _timerAt = ticks;
        _timer = this.RegisterGrainTimer(WakeDueAsync, new GrainTimerCreationOptions
        {
            DueTime = wait,
            Period = Timeout.InfiniteTimeSpan,
            KeepAlive = true,
        });
    }

    private void CancelTimer()
    {
        _timer?.Dispose();
        _timer = null;
        _timerAt = long.MaxValue;
    }

    private async Task WakeDueAsync()
    {
        CancelTimer();
        _waking = true;
        try
        {
            while (true)
            {
                var now = time.GetUtcNow().UtcTicks;
                var due = new List<JobWake>();
                while (due.Count < MaxWakesPerRound && TryPeek(out var jobId, out var ticks) && ticks <= now)
                {
                    _queue.Dequeue();
                    due.Add(new JobWake(jobId, new DateTimeOffset(ticks, TimeSpan.Zero)));
                }
                if (due.Count == 0) break;
                var failed = 0;
                for (var i = 0; i < due.Count; i += Parallelism)
                {
                    var woken = await Task.WhenAll(due.Skip(i).Take(Parallelism).Select(WakeOneAsync));
                    failed += woken.Count(ok => !ok);
                }
                LogWoken(logger, due.Count, failed);
                await SaveAsync();
            }
        }
        catch (Exception ex)
        {
            LogWakeRoundFailed(logger, ex);
        }
        finally
        {
            _waking = false;
            Arm();
        }
    }

    // True when the job took over; the entry is forgotten then, unless the job set a new time meanwhile (still far).
    private async Task<bool> WakeOneAsync(JobWake wake)
    {
        var ticks = wake.WakeAt.UtcTicks;
        try
        {
            await GrainFactory.GetGrain<IJobGrain>(wake.JobId).DueAsync();
            if (Wakes.TryGetValue(wake.JobId, out var current) && current == ticks) Wakes.Remove(wake.JobId);
            return true;
        }
        catch (Exception ex)
        {
            LogWakeFailed(logger, ex, wake.JobId);
            if (Wakes.TryGetValue(wake.JobId, out var current) && current == ticks) Put(wake.JobId, time.GetUtcNow().Add(RetryDelay).UtcTicks);
            return false;
        }
    }

    private async Task EnsureReminderAsync()
    {
        try
        {
            await this.RegisterOrUpdateReminder(ReminderName, ReminderPeriod, ReminderPeriod);
            _reminderRegistered = true;
        }
        finally
        {
            _registeringReminder = null;
        }
    }

    private async Task UnregisterReminderAsync()
    {
        var reminder = await this.GetReminder(ReminderName);
        if (reminder is not null) await this.UnregisterReminder(reminder);
        _reminderRegistered = false;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Wake index: woke {Count} far jobs ({Failed} to try again)")]
    private static partial void LogWoken(ILogger logger, int count, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Wake index: job {JobId} could not be woken; trying again shortly")]
    private static partial void LogWakeFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Wake index: a wake round failed; the next timer or reminder tick retries")]
    private static partial void LogWakeRoundFailed(ILogger logger, Exception exception);
}
