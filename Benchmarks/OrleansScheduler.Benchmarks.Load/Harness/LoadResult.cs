namespace OrleansScheduler.Benchmarks.Load.Harness;

/// <summary>One target's figures for one scenario run.</summary>
public sealed record LoadResult
{
    public required string Scenario { get; init; }
    public required string Target { get; init; }
    public required string Settings { get; init; }
    public int Jobs { get; init; }
    public double WindowSeconds { get; init; }
    public long Due { get; init; }
    public long Executed { get; init; }
    public long Missed { get; init; }
    public long Duplicated { get; init; }
    public long Early { get; init; }
    public double P50Ms { get; init; }
    public double P90Ms { get; init; }
    public double P99Ms { get; init; }
    public double P999Ms { get; init; }
    public double MaxMs { get; init; }
    public double ExecutionsPerSecond { get; init; }
    public double CpuSeconds { get; init; }
    public double CpuMicrosPerExecution { get; init; }
    public double PeakWorkingSetMb { get; init; }
    public double AllocatedBytesPerExecution { get; init; }
    public double GcPausePercent { get; init; }
    public double JobsCreatedPerSecond { get; init; }
    public double? BytesPerIdleJob { get; init; }
    public string? Note { get; init; }
    public IReadOnlyList<LatencyPoint> Distribution { get; init; } = [];
}

/// <summary>One point of a lateness distribution.</summary>
public sealed record LatencyPoint(double Percentile, double Ms);
