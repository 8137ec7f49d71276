using System.Diagnostics;
using System.Runtime.InteropServices;

namespace OrleansScheduler.Grains.Timing;

/// <summary>
/// Sleeps a dedicated thread until a <see cref="Stopwatch"/> timestamp with sub-millisecond precision.
/// </summary>
/// <remarks>
/// <para>
/// On Linux: absolute <c>clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME)</c> after <c>prctl(PR_SET_TIMERSLACK, 1)</c>
/// on the sleeping thread. Timers and <c>Task.Delay</c> follow the kernel's 4 ms tick here and land 2–4 ms late;
/// this wakes 0.06–0.5 ms late at ~20 µs CPU per wake (ORLEANS-NOTES "Timing on this machine"). Stopwatch on Linux
/// reads CLOCK_MONOTONIC, which is checked once at creation.
/// </para>
/// <para>Elsewhere (or when libc cannot be bound): <c>Thread.Sleep(1)</c> while more than 2 ms remain, then yields.</para>
/// </remarks>
internal sealed unsafe class PreciseSleep
{
    private const int ClockMonotonic = 1;
    private const int TimerAbsTime = 1;
    private const int PrSetTimerSlack = 29;
    private const int EIntr = 4;
    private const long NanosPerSecond = 1_000_000_000;

    private readonly delegate* unmanaged<int, int, Timespec*, Timespec*, int> _clockNanosleep;
    private readonly long _fallbackSpinTicks = Stopwatch.Frequency / 500;

    private PreciseSleep(delegate* unmanaged<int, int, Timespec*, Timespec*, int> clockNanosleep, string? fallbackReason)
    {
        _clockNanosleep = clockNanosleep;
        FallbackReason = fallbackReason;
    }

    /// <summary>True when sleeping through <c>clock_nanosleep</c>.</summary>
    public bool IsNative => _clockNanosleep != null;

    /// <summary>Why the native path is not used; null when it is.</summary>
    public string? FallbackReason { get; }

    /// <summary>
    /// Prepares precise sleeping for the calling thread (sets its timer slack to 1 ns on Linux). Call it on the
    /// thread that will call <see cref="SleepUntil"/>, and use the instance only there.
    /// </summary>
    public static PreciseSleep ForCurrentThread()
    {
        if (!OperatingSystem.IsLinux())
        {
            return new PreciseSleep(null, "not Linux");
        }

        if (!NativeLibrary.TryLoad("libc.so.6", out var libc) && !NativeLibrary.TryLoad("libc", out libc))
        {
            return new PreciseSleep(null, "libc could not be loaded");
        }

        if (!NativeLibrary.TryGetExport(libc, "clock_nanosleep", out var sleepPtr)
            || !NativeLibrary.TryGetExport(libc, "clock_gettime", out var getTimePtr)
            || !NativeLibrary.TryGetExport(libc, "prctl", out var prctlPtr))
        {
            return new PreciseSleep(null, "libc lacks clock_nanosleep, clock_gettime or prctl");
        }

        // Deadlines are Stopwatch timestamps handed to CLOCK_MONOTONIC: check that they are the same clock.
        var clockGetTime = (delegate* unmanaged<int, Timespec*, int>)getTimePtr;
        Timespec ts;
        var before = Stopwatch.GetTimestamp();
        if (clockGetTime(ClockMonotonic, &ts) != 0)
        {
            return new PreciseSleep(null, "clock_gettime(CLOCK_MONOTONIC) failed");
        }

        var monotonicNs = ((long)ts.Seconds * NanosPerSecond) + ts.Nanoseconds;
        var stopwatchNs = (long)(before * (NanosPerSecond / (double)Stopwatch.Frequency));
        if (Math.Abs(monotonicNs - stopwatchNs) > 5_000_000)
        {
            return new PreciseSleep(null, "Stopwatch does not read CLOCK_MONOTONIC");
        }

        // Default slack is 50 µs; 1 ns lets the kernel wake us at the deadline. Per thread, so done here.
        var prctl = (delegate* unmanaged<int, nuint, nuint, nuint, nuint, int>)prctlPtr;
        _ = prctl(PrSetTimerSlack, 1, 0, 0, 0);
        return new PreciseSleep((delegate* unmanaged<int, int, Timespec*, Timespec*, int>)sleepPtr, null);
    }

    /// <summary>Blocks the calling thread until <see cref="Stopwatch.GetTimestamp"/> reaches <paramref name="deadline"/>.</summary>
    /// <param name="deadline">A Stopwatch timestamp (Stopwatch.Frequency units); a past one returns at once.</param>
    public void SleepUntil(long deadline)
    {
        if (_clockNanosleep != null)
        {
            var ns = Stopwatch.Frequency == NanosPerSecond ? deadline : (long)(deadline * (NanosPerSecond / (double)Stopwatch.Frequency));
            var request = new Timespec { Seconds = (nint)(ns / NanosPerSecond), Nanoseconds = (nint)(ns % NanosPerSecond) };
            while (_clockNanosleep(ClockMonotonic, TimerAbsTime, &request, null) == EIntr)
            {
                // Interrupted by a signal: an absolute deadline makes retrying exact.
            }

            return;
        }

        while (true)
        {
            var remaining = deadline - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                return;
            }

            if (remaining > _fallbackSpinTicks)
            {
                Thread.Sleep(1);
            }
            else
            {
                Thread.Yield();
            }
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public nint Seconds;
        public nint Nanoseconds;
    }
}
