using System.Globalization;

namespace OrleansScheduler.Benchmarks.Failover.Harness;

/// <summary>
/// The jobs every target schedules: <c>SlowJobs</c> every <c>SlowPeriod</c>, then <c>FastJobs</c> every <c>FastPeriod</c>,
/// each group's phases spread evenly over its period from a common epoch. Job i fires at epoch + phase(i) + k·period.
/// Example: 2,000 jobs at 1 s have phases 0, 0, 1, 1, … 999 ms; job 3 fires at epoch + 1 ms, + 1001 ms, …
/// Both the harness (to count what was due) and the scheduler processes (to create the jobs) compute it from the options.
/// </summary>
public sealed class Workload(int slowJobs, TimeSpan slowPeriod, int fastJobs, TimeSpan fastPeriod)
{
    /// <summary>The job id prefix of every target; the index follows it.</summary>
    public const string IdPrefix = "fo-";

    public static Workload From(FailoverOptions o) => new(o.SlowJobs, o.SlowPeriod, o.FastJobs, o.FastPeriod);

    public int Count => slowJobs + fastJobs;

    public TimeSpan Period(int index) => index < slowJobs ? slowPeriod : fastPeriod;

    /// <summary>Offset of the first occurrence from the epoch, in ticks, whole milliseconds (Quartz keeps milliseconds).</summary>
    public long PhaseTicks(int index) => TimeSpan.TicksPerMillisecond * (index < slowJobs
        ? (long)slowPeriod.TotalMilliseconds * index / Math.Max(1, slowJobs)
        : (long)fastPeriod.TotalMilliseconds * (index - slowJobs) / Math.Max(1, fastJobs));

    public DateTimeOffset FirstAt(DateTimeOffset epoch, int index) => epoch.AddTicks(PhaseTicks(index));

    public static string Id(int index) => IdPrefix + index.ToString(CultureInfo.InvariantCulture);

    public static int IndexOf(string id) =>
        id.StartsWith(IdPrefix, StringComparison.Ordinal) && int.TryParse(id.AsSpan(IdPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var i)
            ? i
            : throw new FormatException($"job id '{id}' is not {IdPrefix}<index>");

    /// <summary>Occurrence number k of job <paramref name="index"/> at <paramref name="scheduledTicks"/>, or -1 when off the grid.</summary>
    public long OccurrenceOf(long epochTicks, int index, long scheduledTicks)
    {
        var offset = scheduledTicks - epochTicks - PhaseTicks(index);
        var period = Period(index).Ticks;
        if (offset < 0) return -1;
        // Schedulers store instants in milliseconds (Quartz) or 100 ns (ours): allow the millisecond rounding.
        var k = (offset + TimeSpan.TicksPerMillisecond) / period;
        return Math.Abs(offset - k * period) < TimeSpan.TicksPerMillisecond ? k : -1;
    }

    /// <summary>Occurrence numbers of job <paramref name="index"/> scheduled inside [from, to): [kFrom, kTo).</summary>
    public (long From, long To) DueRange(long epochTicks, int index, long fromTicks, long toTicks)
    {
        var first = epochTicks + PhaseTicks(index);
        var period = Period(index).Ticks;
        long K(long t) => t <= first ? 0 : (t - first + period - 1) / period;
        return (K(fromTicks), Math.Max(K(fromTicks), K(toTicks)));
    }

    /// <summary>Instant of occurrence k of job <paramref name="index"/>.</summary>
    public long InstantTicks(long epochTicks, int index, long k) => epochTicks + PhaseTicks(index) + k * Period(index).Ticks;
}
