using System.Buffers.Binary;
using System.Text;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace OrleansScheduler.Grains.Jobs;

/// <summary>
/// What a wake-index bucket persists: its entries packed into one byte array (per entry the wake time in UTC ticks, the
/// id's UTF-8 length and bytes). Every write stores the whole bucket, and the serializer's own per-string work (reference
/// tracking, a field header) cost several times the packing, which is a loop of UTF-8 copies.
/// </summary>
[GenerateSerializer, Alias("grains.JobWakeIndexState")]
public sealed class JobWakeIndexState
{
    /// <summary>The packed entries (see <see cref="JobWakeIndexGrain"/>); null when the bucket is empty.</summary>
    [Id(0)] public byte[]? Packed { get; set; }
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

    // The entries by job id (wake time in UTC ticks); what the state packs.
    private readonly Dictionary<string, long> _wakes = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Unpack(state.State.Packed, _wakes);
        state.State.Packed = null;
        foreach (var (jobId, ticks) in _wakes) _queue.Enqueue(jobId, ticks);
        Arm();
        if (_wakes.Count > 0) await (_registeringReminder ??= EnsureReminderAsync());
    }

    /// <inheritdoc />
    public Task SetAsync(string jobId, DateTimeOffset wakeAt)
    {
        if (_wakes.TryGetValue(jobId, out var known) && known == wakeAt.UtcTicks) return Task.CompletedTask;
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
    public Task RemoveAsync(string jobId) => _wakes.Remove(jobId) ? SaveAsync() : Task.CompletedTask;

    /// <inheritdoc />
    public Task<(int Count, DateTimeOffset? Earliest)> DescribeAsync() =>
        Task.FromResult<(int, DateTimeOffset?)>((_wakes.Count, TryPeek(out _, out var ticks) ? new DateTimeOffset(ticks, TimeSpan.Zero) : null));

    /// <inheritdoc />
    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _reminderRegistered = true;
        if (_wakes.Count == 0) return UnregisterReminderAsync();
        return _waking ? Task.CompletedTask : WakeDueAsync();
    }

    private void Put(string jobId, long ticks)
    {
        _wakes[jobId] = ticks;
        _queue.Enqueue(jobId, ticks);
        // Entries superseded many times over: rebuild rather than let the queue grow without bound.
        if (_queue.Count > 2 * _wakes.Count + 1_024)
        {
            _queue.Clear();
            foreach (var (id, at) in _wakes) _queue.Enqueue(id, at);
        }
    }

    private async Task SaveAsync()
    {
        await (_commit ??= new GroupCommit(WriteAsync, Linger)).WriteSoonAsync();
        if (!_reminderRegistered && _wakes.Count > 0) await (_registeringReminder ??= EnsureReminderAsync());
    }

    private async Task WriteAsync()
    {
        state.State.Packed = Pack(_wakes);
        try
        {
            await state.WriteStateAsync();
        }
        finally
        {
            state.State.Packed = null; // the store keeps its copy; the dictionary is the live one
        }
    }

    /// <summary>Packs entries: per entry the wake time (8 bytes, little-endian), the id's UTF-8 length (4 bytes) and bytes.</summary>
    internal static byte[]? Pack(Dictionary<string, long> wakes)
    {
        if (wakes.Count == 0) return null;
        var size = 0;
        foreach (var (jobId, _) in wakes) size += 12 + Encoding.UTF8.GetByteCount(jobId);
        var packed = new byte[size];
        var at = 0;
        foreach (var (jobId, ticks) in wakes)
        {
            BinaryPrimitives.WriteInt64LittleEndian(packed.AsSpan(at), ticks);
            var length = Encoding.UTF8.GetBytes(jobId, packed.AsSpan(at + 12));
            BinaryPrimitives.WriteInt32LittleEndian(packed.AsSpan(at + 8), length);
            at += 12 + length;
        }
        return packed;
    }

    /// <summary>Reads what <see cref="Pack"/> wrote into <paramref name="wakes"/>.</summary>
    internal static void Unpack(byte[]? packed, Dictionary<string, long> wakes)
    {
        var at = 0;
        while (packed is not null && at < packed.Length)
        {
            var ticks = BinaryPrimitives.ReadInt64LittleEndian(packed.AsSpan(at));
            var length = BinaryPrimitives.ReadInt32LittleEndian(packed.AsSpan(at + 8));
            wakes[Encoding.UTF8.GetString(packed, at + 12, length)] = ticks;
            at += 12 + length;
        }
    }

    // Every write stores the whole bucket: a large one waits for more changes to share it (1 ms per 20 entries, at most
    // 500 ms), so a bulk creation of a million jobs costs each bucket a few writes a second, not one per batch.
    private TimeSpan Linger() => TimeSpan.FromMilliseconds(Math.Min(500, _wakes.Count / 20.0));

    // The earliest entry that is still current (stale queue entries are dropped on the way).
    private bool TryPeek(out string jobId, out long ticks)
    {
        while (_queue.TryPeek(out jobId!, out ticks))
        {
            if (_wakes.TryGetValue(jobId, out var current) && current == ticks) return true;
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
            if (_wakes.TryGetValue(wake.JobId, out var current) && current == ticks) _wakes.Remove(wake.JobId);
            return true;
        }
        catch (Exception ex)
        {
            LogWakeFailed(logger, ex, wake.JobId);
            if (_wakes.TryGetValue(wake.JobId, out var current) && current == ticks) Put(wake.JobId, time.GetUtcNow().Add(RetryDelay).UtcTicks);
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
