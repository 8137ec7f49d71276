using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansScheduler.Grains.Hosting;

namespace OrleansScheduler.Grains.Timing;

/// <summary>
/// The silo-wide <see cref="ITimingWheel"/>: one dedicated background thread owns a <see cref="TimingWheel{T}"/> and
/// fires entries at their due time; every other thread only enqueues. Register as a singleton.
/// </summary>
/// <remarks>
/// <para>
/// Threading contract: <see cref="Schedule"/> and <see cref="WheelTimeout.Cancel"/> are lock-free and callable from
/// any thread. The driver thread ("OrleansScheduler.Wheel", a background thread) starts on the first
/// <see cref="Schedule"/> and stops on <see cref="Dispose"/>. Each loop it takes a bounded batch of new and cancelled
/// entries, advances the wheel to the clock's now, calls <see cref="IWheelItem.OnExpired"/> of each expired entry on
/// itself (so those must return within microseconds), then sleeps until the next due time. A schedule earlier than
/// the driver's wake target wakes it; later ones wait for that wake, or for every 1,024th of them.
/// </para>
/// <para>
/// On the system clock the driver takes entries out of the wheel <see cref="WheelOptions.CollectAhead"/> before they
/// are due and fires each from that list at its due time; 256 or more <see cref="IPooledWheelItem"/>s due at one
/// instant (a crowd) go to pool threads together, one lane per core, and the pool items one wake fires go on one lane
/// (TimingWheelDriver.Crowds.cs). Before a crowd it can have the young generation collected
/// (<see cref="WheelOptions.CollectBeforeCrowds"/>).
/// </para>
/// <para>
/// Sleeping with <see cref="TimeProvider.System"/>: waits on a wake-up event until ~1.5 ms before the target (so an
/// earlier entry can still wake it), then the last stretch with <see cref="PreciseSleep"/> (absolute
/// <c>clock_nanosleep</c> on Linux), because timers here are 4 ms-quantized. With any other
/// <see cref="TimeProvider"/> (tests pass a <c>FakeTimeProvider</c>) it waits on a timer of that provider, so advancing
/// the fake clock fires due entries.
/// </para>
/// </remarks>
public sealed partial class TimingWheelDriver : ITimingWheel, IDisposable
{
    private const int MaxBatch = 4096;
    private const int DrainEvery = 1024;
    // Fired entries at the head of the driver's collected list are dropped once there are this many and they are half of it.
    private const int CompactAfter = 1024;
    private static readonly TimeSpan FellBehindThreshold = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FellBehindReportInterval = TimeSpan.FromSeconds(10);
    private long _lastBehindReportTicks = long.MinValue / 2;
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan FailureBackoff = TimeSpan.FromMilliseconds(10);

    private readonly WheelOptions _options;
    private readonly long _minWakeTicks;
    private readonly long _collectAheadTicks;
    private readonly List<WheelTimeout> _late = [];
    private readonly TimeProvider _time;
    private readonly ILogger<TimingWheelDriver> _logger;
    private readonly bool _systemClock;
    private readonly TimingWheel<WheelTimeout> _wheel;
    private readonly ConcurrentQueue<WheelTimeout> _incoming = new();
    private readonly ConcurrentQueue<WheelTimeout> _cancelled = new();
    private readonly ManualResetEventSlim _wake = new(initialState: false, spinCount: 1);
    private readonly Lock _startLock = new();
    private readonly Action<WheelTimeout> _onCancelled;
    private Thread? _thread;
    private volatile bool _disposed;
    private int _count;
    // Entries queued since the driver last took them in (approximately: a count, reset when it starts taking them).
    private int _undrained;

    // UTC ticks the driver sleeps until; long.MaxValue = no entries, long.MinValue = a wake is already signalled.
    private long _wakeTarget = long.MaxValue;

    /// <summary>Creates the driver; no thread runs until the first <see cref="Schedule"/>.</summary>
    /// <param name="options">Wheel shape (tick 1 ms, 512 slots, 4 levels by default).</param>
    /// <param name="time">The clock: <see cref="TimeProvider.System"/> in production, a fake one in tests.</param>
    /// <param name="logger">Logs start, stop and failures of <see cref="IWheelItem.OnExpired"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The options describe no valid wheel (see <see cref="WheelOptionsValidator"/>).</exception>
    public TimingWheelDriver(IOptions<WheelOptions> options, TimeProvider time, ILogger<TimingWheelDriver> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options.Value;
        _minWakeTicks = _options.MinWakeInterval.Ticks;
        _collectAheadTicks = _options.CollectAhead.Ticks;
        _time = time;
        _logger = logger;
        _systemClock = ReferenceEquals(time, TimeProvider.System);

        // Built here so bad options fail at resolution, not on the driver thread; only that thread touches it later.
        _wheel = new TimingWheel<WheelTimeout>(time.GetUtcNow().UtcTicks, _options.TickDuration, _options.SlotsPerLevel, _options.Levels);
        _onCancelled = OnCancelled;
    }

    /// <inheritdoc />
    public int Count => Volatile.Read(ref _count);

    private int _pendingRuns;

    /// <inheritdoc />
    public int PendingRuns => Volatile.Read(ref _pendingRuns);

    /// <inheritdoc />
    /// <exception cref="ObjectDisposedException">The driver was disposed.</exception>
    public WheelTimeout Schedule(DateTimeOffset dueAt, IWheelItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (_disposed)
        {
            // The silo is stopping (WheelLifecycle): late callers get an entry that never fires, not an exception.
            var never = new WheelTimeout(dueAt, item, onCancelled: null);
            never.Cancel();
            return never;
        }

        var timeout = new WheelTimeout(dueAt, item, _onCancelled);
        Enqueue(timeout);
        return timeout;
    }

    /// <inheritdoc />
    public bool Reschedule(WheelTimeout timeout, DateTimeOffset dueAt)
    {
        ArgumentNullException.ThrowIfNull(timeout);
        if (_disposed || !timeout.TryRearm(dueAt))
        {
            return false;
        }

        Enqueue(timeout);
        return true;
    }

    private void Enqueue(WheelTimeout timeout)
    {
        Interlocked.Increment(ref _count);
        _incoming.Enqueue(timeout);
        EnsureStarted();

        // Pairs with the driver's Exchange-then-IsEmpty: either it sees our entry or we see its new target.
        var target = Volatile.Read(ref _wakeTarget);
        if (timeout.DueAt.UtcTicks < target && Interlocked.CompareExchange(ref _wakeTarget, long.MinValue, target) == target)
        {
            _wake.Set();
        }
        else if (Interlocked.Increment(ref _undrained) % DrainEvery == 0)
        {
            // Entries due no earlier than the driver's wake wait in the queue until then: 10,000 one-shots delivered a
            // lead ahead of their instant would all be taken into the wheel in the milliseconds before it. Every so many
            // the driver takes them in now.
            _wake.Set();
        }
    }

    /// <summary>Stops the driver thread (waits up to 2 s for it). Pending entries never fire. Safe to call twice.</summary>
    public void Dispose()
    {
        Thread? thread;
        lock (_startLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            thread = _thread;
        }

        _wake.Set();
        if (thread is null)
        {
            _wake.Dispose();
        }
        else if (thread != Thread.CurrentThread)
        {
            if (thread.Join(JoinTimeout))
            {
                _wake.Dispose();
            }
            else
            {
                LogStopTimedOut(_logger, JoinTimeout.TotalMilliseconds);
            }
        }
    }

    private void OnCancelled(WheelTimeout timeout)
    {
        Interlocked.Decrement(ref _count);

        // Lazy removal: the driver unlinks it on its next wake; until then it just sits in its bucket.
        _cancelled.Enqueue(timeout);
    }

    private void EnsureStarted()
    {
        if (Volatile.Read(ref _thread) is not null)
        {
            return;
        }

        lock (_startLock)
        {
            if (_thread is null && !_disposed)
            {
                var thread = new Thread(Run) { IsBackground = true, Name = "OrleansScheduler.Wheel" };
                thread.Start();
                Volatile.Write(ref _thread, thread);
            }
        }
    }

    private void Run()
    {
        var sleeper = _systemClock ? PreciseSleep.ForCurrentThread() : null;
        var wheel = _wheel;
        var expired = new List<WheelTimeout>();
        LogStarted(_logger, _options.TickDuration.TotalMilliseconds, _options.SlotsPerLevel, _options.Levels, sleeper?.IsNative ?? false);
        if (sleeper?.FallbackReason is { } reason)
        {
            LogPreciseSleepUnavailable(_logger, reason);
        }

        var plannedWake = long.MaxValue;
        while (!_disposed)
        {
            try
            {
                var more = Drain(wheel);
                var now = _time.GetUtcNow().UtcTicks;
                ReportIfBehind(plannedWake, now, wheel.Count);
                plannedWake = long.MaxValue;
                if (sleeper is null)
                {
                    wheel.Advance(now, expired);
                    Fire(expired, 0, expired.Count);
                    expired.Clear();
                }
                else
                {
                    FireAhead(wheel, now, expired, sleeper);
                }
                if (more)
                {
                    continue;
                }

                var target = wheel.TryGetNextDue(out var due) ? due : long.MaxValue;
                Interlocked.Exchange(ref _wakeTarget, target);
                if (!_incoming.IsEmpty || _disposed)
                {
                    continue;
                }

                // On the system clock, entries due within the least wake interval of the last wake wait for the next
                // one (WheelOptions.MinWakeInterval): a wake per entry would cost more CPU than the entries at high rates.
                plannedWake = sleeper is null ? target : Math.Max(target - _collectAheadTicks, now + _minWakeTicks);
                if (sleeper is not null)
                {
                    SleepPrecisely(plannedWake, sleeper);
                }
                else
                {
                    SleepOnProvider(target);
                }
            }
            catch (Exception ex)
            {
                // The driver loop is the one place that catches everything: a bug here must not stop all timers.
                expired.Clear();
                LogLoopFailed(_logger, ex);
                _wake.Wait(FailureBackoff);
            }
        }

        LogStopped(_logger, wheel.Count);
    }

    private bool Drain(TimingWheel<WheelTimeout> wheel)
    {
        Volatile.Write(ref _undrained, 0);
        for (var i = 0; i < MaxBatch && _incoming.TryDequeue(out var timeout); i++)
        {
            if (!timeout.IsCancelled)
            {
                var due = timeout.DueAt.UtcTicks;
                timeout.Entry = timeout.Node = timeout.Node is { IsExpired: true } node ? wheel.Reschedule(node, due) : wheel.Schedule(due, timeout);
            }
        }

        for (var i = 0; i < MaxBatch && _cancelled.TryDequeue(out var timeout); i++)
        {
            if (timeout.Entry is { } entry)
            {
                wheel.Cancel(entry);
                timeout.Entry = null;
            }
        }

        return !_incoming.IsEmpty || !_cancelled.IsEmpty;
    }

    // A driver that wakes long after it planned to was starved (CPU, a long GC pause, a paused VM): say so, at most
    // every 10 s, so that lateness seen in handlers can be traced to its cause.
    private void ReportIfBehind(long plannedWakeTicks, long nowTicks, int pending)
    {
        var behind = nowTicks - plannedWakeTicks;
        if (plannedWakeTicks == long.MaxValue || behind < FellBehindThreshold.Ticks || nowTicks - _lastBehindReportTicks < FellBehindReportInterval.Ticks)
        {
            return;
        }

        _lastBehindReportTicks = nowTicks;
        LogFellBehind(_logger, TimeSpan.FromTicks(behind).TotalMilliseconds, pending);
    }

    // On the system clock the driver takes entries out of the wheel a little before they are due (WheelOptions.CollectAhead)
    // and fires each at its due time from the list: thousands due at one instant cost the wheel a few milliseconds to
    // collect and put in order, and that work is done by the time they are due. An entry scheduled meanwhile for a time
    // inside the collected stretch wakes the driver and joins the list in its place.
    // The stretch rolls on with the clock while the list lasts, so a crowd is always seen a full CollectAhead before its
    // instant (MakeRoomBefore needs that time), also when the driver is busy with entries all the while.
    private void FireAhead(TimingWheel<WheelTimeout> wheel, long now, List<WheelTimeout> collected, PreciseSleep sleeper)
    {
        var horizon = now + _collectAheadTicks;
        wheel.Advance(horizon, collected);
        NoticeCrowds(collected, now);
        var next = 0;
        var earliestWake = long.MinValue;
        while (next < collected.Count && !_disposed)
        {
            now = _time.GetUtcNow().UtcTicks;
            if (now + _collectAheadTicks > horizon)
            {
                horizon = now + _collectAheadTicks;
                TakeInto(collected, next, wheel, horizon, now);
            }

            if (next >= CompactAfter && next * 2 >= collected.Count)
            {
                collected.RemoveRange(0, next);
                next = 0;
            }

            var due = collected[next].DueAt.UtcTicks;
            var crowdEnd = next;
            while (crowdEnd < collected.Count && collected[crowdEnd].DueAt.UtcTicks == due && collected[crowdEnd].Item is IPooledWheelItem) crowdEnd++;
            if (crowdEnd - next >= CrowdSize)
            {
                if (now < due - LaneLeadTicks)
                {
                    WaitAhead(due - LaneLeadTicks, wheel, horizon, collected, next, sleeper);
                    continue;
                }

                HandToLanes(collected, next, crowdEnd, due);
                next = crowdEnd;
                continue;
            }

            var end = next;
            while (end < collected.Count && collected[end].DueAt.UtcTicks <= now) end++;
            if (end > next)
            {
                FireDue(collected, next, end);
                next = end;
                earliestWake = now + _minWakeTicks;
                continue;
            }

            WaitAhead(Math.Max(due, earliestWake), wheel, horizon, collected, next, sleeper);
        }

        collected.Clear();
    }

    // Sleeps until target unless an entry is scheduled meanwhile; one due within the collected stretch joins the list.
    private void WaitAhead(long target, TimingWheel<WheelTimeout> wheel, long horizon, List<WheelTimeout> collected, int next, PreciseSleep sleeper)
    {
        Interlocked.Exchange(ref _wakeTarget, target);
        if (_incoming.IsEmpty)
        {
            SleepPrecisely(target, sleeper);
        }

        if (!_incoming.IsEmpty || !_cancelled.IsEmpty)
        {
            while (Drain(wheel)) { }
            TakeInto(collected, next, wheel, horizon, _time.GetUtcNow().UtcTicks);
        }
    }

    // Takes the wheel's entries due by horizon into collected[next..], in due order.
    private void TakeInto(List<WheelTimeout> collected, int next, TimingWheel<WheelTimeout> wheel, long horizon, long now)
    {
        wheel.Advance(horizon, _late);
        NoticeCrowds(_late, now);
        foreach (var timeout in _late) InsertByDue(collected, next, timeout);
        _late.Clear();
    }

    // Keeps collected[from..] in due order (an entry goes after those due at the same time). Most go at the end; one due
    // inside the stretch is placed by binary search: at 100,000 entries a second the list holds 5,000, and a linear
    // search from the end for each of thousands of leases armed at once held the driver up for 100-200 ms.
    private static void InsertByDue(List<WheelTimeout> collected, int from, WheelTimeout timeout)
    {
        var due = timeout.DueAt.UtcTicks;
        if (collected.Count == from || collected[^1].DueAt.UtcTicks <= due)
        {
            collected.Add(timeout);
            return;
        }

        var (low, high) = (from, collected.Count - 1);
        while (low < high)
        {
            var middle = low + ((high - low) >> 1);
            if (collected[middle].DueAt.UtcTicks <= due) low = middle + 1;
            else high = middle;
        }

        collected.Insert(low, timeout);
    }

    // Runs of pool items go to the pool on a lane each (FireOnLane); the others fire one by one.
    private void FireDue(List<WheelTimeout> collected, int from, int to)
    {
        while (from < to)
        {
            var end = from;
            var pooled = collected[from].Item is IPooledWheelItem;
            while (end < to && collected[end].Item is IPooledWheelItem == pooled) end++;
            if (pooled) FireOnLane(collected, from, end);
            else Fire(collected, from, end);
            from = end;
        }
    }

    private void Fire(List<WheelTimeout> expired, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            var timeout = expired[i];
            timeout.Entry = null;
            if (!timeout.TryMarkExpired())
            {
                continue;
            }

            Interlocked.Decrement(ref _count);
            try
            {
                timeout.Item.OnExpired();
            }
            catch (Exception ex)
            {
                LogItemFailed(_logger, ex, timeout.Item.GetType().Name, timeout.DueAt);
            }
        }
    }
}
