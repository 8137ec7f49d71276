namespace OrleansScheduler.Benchmarks.Load.Harness;

/// <summary>How a benchmark job repeats.</summary>
public enum BenchScheduleKind
{
    /// <summary>Every <see cref="BenchJob.Period"/>, first at <see cref="BenchJob.FirstAt"/>.</summary>
    Interval,

    /// <summary>A six-field cron expression (seconds first), UTC.</summary>
    Cron,

    /// <summary>Once, at <see cref="BenchJob.FirstAt"/>.</summary>
    Once,
}

/// <summary>One job of a workload, described so every target (ours, Quartz.NET, DurableJobs) can schedule the same thing.</summary>
/// <param name="Index">0..J-1; handlers report it back so the recorder knows whose occurrence ran.</param>
/// <param name="Kind">How it repeats.</param>
/// <param name="FirstAt">First occurrence (interval, once).</param>
/// <param name="Period">Interval period; for cron the period the expression implies (used to count what was due).</param>
/// <param name="Cron">Cron expression with seconds (cron kind), e.g. <c>*/1 * * * * *</c>.</param>
public sealed record BenchJob(int Index, BenchScheduleKind Kind, DateTimeOffset FirstAt, TimeSpan Period, string? Cron = null)
{
    /// <summary>The job id used by every target.</summary>
    public string Id => "bench-" + Index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Parses the index back out of <see cref="Id"/>.</summary>
    public static int IndexOf(string id) => int.Parse(id.AsSpan("bench-".Length), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Occurrences scheduled inside [from, to).</summary>
    public long DueBetween(DateTimeOffset from, DateTimeOffset to)
    {
        if (Kind == BenchScheduleKind.Once) return FirstAt >= from && FirstAt < to ? 1 : 0;
        var first = Kind == BenchScheduleKind.Cron ? AlignUp(from, Period) : FirstAt;
        if (first >= to) return 0;
        // Occurrences first + k·period, k ≥ 0, inside [from, to).
        var kFrom = first >= from ? 0 : (long)Math.Ceiling((from - first).Ticks / (double)Period.Ticks);
        var kTo = (long)Math.Ceiling((to - first).Ticks / (double)Period.Ticks);
        return Math.Max(0, kTo - kFrom);
    }

    private static DateTimeOffset AlignUp(DateTimeOffset t, TimeSpan period)
    {
        var rem = t.UtcTicks % period.Ticks;
        return rem == 0 ? t : t.AddTicks(period.Ticks - rem);
    }
}
