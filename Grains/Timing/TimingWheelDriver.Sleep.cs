using System.Diagnostics;

namespace OrleansScheduler.Grains.Timing;

/// <content>How the driver thread waits for its next target: precise on the system clock, timer-driven otherwise.</content>
public sealed partial class TimingWheelDriver
{
    private const int MaxTimerAttempts = 3;
    private static readonly long PreciseStretchTicks = TimeSpan.FromMilliseconds(1.5).Ticks;
    private static readonly long CoarseWaitThresholdTicks = TimeSpan.FromMilliseconds(2).Ticks;
    private static readonly TimeSpan MaxSingleWait = TimeSpan.FromHours(1);

    private void SleepPrecisely(long target, PreciseSleep sleeper)
    {
        if (target == long.MaxValue)
        {
            WaitForWake(Timeout.InfiniteTimeSpan);
            return;
        }

        var remaining = target - _time.GetUtcNow().UtcTicks;
        if (remaining > CoarseWaitThresholdTicks)
        {
            // Coarse part on the event, so an earlier new entry can cut it short.
            // Very long waits are split so TimeSpan stays within the event's limits; the loop then recomputes.
            var coarse = TimeSpan.FromTicks(remaining - PreciseStretchTicks);
            var tooLong = coarse > MaxSingleWait;
            if (WaitForWake(tooLong ? MaxSingleWait : coarse) || tooLong)
            {
                return;
            }

            remaining = target - _time.GetUtcNow().UtcTicks;
        }

        if (remaining > 0)
        {
            // Map the wall-clock target to a monotonic deadline now, right before sleeping.
            var deadline = Stopwatch.GetTimestamp() + (long)(remaining * (Stopwatch.Frequency / (double)TimeSpan.TicksPerSecond));
            sleeper.SleepUntil(deadline);
        }
    }

    private void SleepOnProvider(long target)
    {
        if (target == long.MaxValue)
        {
            WaitForWake(Timeout.InfiniteTimeSpan);
            return;
        }

        // Driven by the injected clock: a FakeTimeProvider fires this timer from its Advance. A timer's due time is
        // relative to the clock when it is created, so if the clock moved meanwhile the timer would wake us late:
        // retry a few times (a real clock always moves a little; then a few µs late is fine).
        ITimer? timer = null;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var before = _time.GetUtcNow().UtcTicks;
                if (target <= before)
                {
                    return;
                }

                var wait = TimeSpan.FromTicks(Math.Min(target - before, MaxSingleWait.Ticks));
                timer = _time.CreateTimer(static state => ((ManualResetEventSlim)state!).Set(), _wake, wait, Timeout.InfiniteTimeSpan);
                var after = _time.GetUtcNow().UtcTicks;
                if (target <= after)
                {
                    return;
                }

                if (after == before || attempt == MaxTimerAttempts)
                {
                    break;
                }

                timer.Dispose();
                timer = null;
            }

            WaitForWake(Timeout.InfiniteTimeSpan);
        }
        finally
        {
            timer?.Dispose();
        }
    }

    /// <returns>True when woken by a signal (new earlier entry, timer, dispose); false on timeout.</returns>
    private bool WaitForWake(TimeSpan timeout)
    {
        var signalled = _wake.Wait(timeout);
        if (signalled)
        {
            // Reset before the next drain: a Set racing this is harmless, its entry is already in the queue.
            _wake.Reset();
        }

        return signalled;
    }
}
