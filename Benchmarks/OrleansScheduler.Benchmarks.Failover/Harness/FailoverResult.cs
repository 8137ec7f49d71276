namespace OrleansScheduler.Benchmarks.Failover.Harness;

/// <summary>One target's figures for one scenario run (what the table prints and the JSON holds).</summary>
public sealed record FailoverResult
{
    public required string Target { get; init; }
    public required string Scenario { get; init; }
    public required string Settings { get; init; }
    public required string Store { get; init; }
    public double MeasuredSeconds { get; init; }
    public double JobsCreatedMs { get; init; }
    public long Due { get; init; }
    public long Executed { get; init; }
    public long Missed { get; init; }
    public long Duplicated { get; init; }
    /// <summary>Duplicates of occurrences scheduled outside every failover window.</summary>
    public long DuplicatedOutsideFailover { get; init; }
    /// <summary>Duplicates of occurrences scheduled in the target's documented redelivery window around a kill.</summary>
    public long DuplicatedInRedeliveryWindow { get; init; }
    /// <summary>Other duplicates of occurrences scheduled within 30 s after a killed process came back.</summary>
    public long DuplicatedAfterRejoin { get; init; }
    /// <summary>Starts whose scheduled instant is not an occurrence of the job (a re-phased schedule).</summary>
    public long OffSchedule { get; init; }
    /// <summary>Starts before their scheduled instant (counted as 0 lateness).</summary>
    public long Early { get; init; }
    public Lateness All { get; init; } = new();
    public Lateness OutsideFailover { get; init; } = new();
    public int Kills { get; init; }
    public int Restarts { get; init; }
    public int StoreRestarts { get; init; }
    /// <summary>Processes that exited without being killed (restarted by the harness).</summary>
    public int UnplannedExits { get; init; }
    public Spread DeclaredDeadMs { get; init; } = new();
    /// <summary>Kill → first start on a survivor, over every job of every kill whose last start was on the killed process.</summary>
    public Spread ResumeAfterKillMs { get; init; } = new();
    /// <summary>Declared dead → that first start on a survivor.</summary>
    public Spread ResumeAfterDeadMs { get; init; } = new();
    /// <summary>Lateness (scheduled → start) of those first starts on a survivor.</summary>
    public Spread ResumeLatenessMs { get; init; } = new();
    public long JobsNeverResumed { get; init; }
    public IReadOnlyList<DisruptionResult> Disruptions { get; init; } = [];
    public Timeline? Timeline { get; init; }
    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>Lateness percentiles in milliseconds (NaN when nothing was measured).</summary>
public sealed record Lateness
{
    public long Count { get; init; }
    public double P50Ms { get; init; } = double.NaN;
    public double P99Ms { get; init; } = double.NaN;
    public double P999Ms { get; init; } = double.NaN;
    public double MaxMs { get; init; } = double.NaN;
}

/// <summary>Median and worst of a set of durations in milliseconds.</summary>
public sealed record Spread
{
    public int Count { get; init; }
    public double MedianMs { get; init; } = double.NaN;
    public double WorstMs { get; init; } = double.NaN;

    public static Spread Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) return new Spread();
        var sorted = values.Order().ToArray();
        var median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        return new Spread { Count = sorted.Length, MedianMs = median, WorstMs = sorted[^1] };
    }
}

/// <summary>One kill (or store restart) and what followed it.</summary>
public sealed record DisruptionResult
{
    public required string Kind { get; init; }
    public int Node { get; init; }
    public int Pid { get; init; }
    /// <summary>Seconds after the start of the measurement.</summary>
    public double AtSeconds { get; init; }
    public double? DeclaredDeadMs { get; init; }
    public int AffectedJobs { get; init; }
    public int ResumedJobs { get; init; }
    public Spread ResumeAfterKillMs { get; init; } = new();
    public Spread ResumeAfterDeadMs { get; init; } = new();
    /// <summary>Length of the failover window excluded from "lateness outside failover" (0 for a restart: never excluded).</summary>
    public double WindowMs { get; init; }
    /// <summary>Occurrences due in the 30 s after it that started more than 1 s late.</summary>
    public long LateOver1sNext30s { get; init; }
    /// <summary>Largest lateness of the occurrences due in the 30 s after it.</summary>
    public double MaxLatenessNext30sMs { get; init; } = double.NaN;
}

/// <summary>Starts per bin and process around the first kill, for the chart.</summary>
public sealed record Timeline
{
    public double FromSeconds { get; init; }
    public double BinMs { get; init; }
    public IReadOnlyList<TimelineSeries> Series { get; init; } = [];
    public IReadOnlyList<TimelineEvent> Events { get; init; } = [];
}

public sealed record TimelineSeries(string Label, IReadOnlyList<int> Counts);

public sealed record TimelineEvent(string Label, double Seconds);
