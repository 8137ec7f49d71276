namespace OrleansScheduler.Jobs;

/// <summary>
/// When a job fires. Build one with <see cref="Cron"/>, <see cref="Every"/>, <see cref="At"/> or <see cref="After"/>,
/// then narrow it with <c>with { StartAt = …, EndAt = …, MaxRuns = … }</c>.
/// </summary>
[GenerateSerializer, Immutable, Alias("jobs.ScheduleSpec")]
public sealed record ScheduleSpec
{
    /// <summary>Which of the fields below define the occurrences.</summary>
    [Id(0)] public ScheduleKind Kind { get; init; }

    /// <summary>Cron expression for <see cref="ScheduleKind.Cron"/>: six fields with seconds (<c>*/5 * * * * *</c>) or the classic five.</summary>
    [Id(1)] public string? CronExpression { get; init; }

    /// <summary>IANA or Windows time zone id the cron expression is read in; null means UTC.</summary>
    [Id(2)] public string? TimeZone { get; init; }

    /// <summary>Period for <see cref="ScheduleKind.Interval"/>; at least 10 ms.</summary>
    [Id(3)] public TimeSpan? Interval { get; init; }

    /// <summary>The instant of a <see cref="ScheduleKind.Once"/> job.</summary>
    [Id(4)] public DateTimeOffset? RunAt { get; init; }

    /// <summary>Delay after creation for <see cref="ScheduleKind.Delay"/>; greater than zero.</summary>
    [Id(5)] public TimeSpan? Delay { get; init; }

    /// <summary>No occurrence before this instant (inclusive); also anchors interval jobs. Null: from creation.</summary>
    [Id(6)] public DateTimeOffset? StartAt { get; init; }

    /// <summary>No occurrence after this instant (inclusive). Null: no end.</summary>
    [Id(7)] public DateTimeOffset? EndAt { get; init; }

    /// <summary>Stop after this many scheduled occurrences (manual triggers do not count). Null: unbounded.</summary>
    [Id(8)] public long? MaxRuns { get; init; }

    /// <summary>A cron schedule; <paramref name="timeZone"/> null means UTC.</summary>
    public static ScheduleSpec Cron(string expression, string? timeZone = null) =>
        new() { Kind = ScheduleKind.Cron, CronExpression = expression, TimeZone = timeZone };

    /// <summary>A fixed-interval schedule.</summary>
    public static ScheduleSpec Every(TimeSpan interval) => new() { Kind = ScheduleKind.Interval, Interval = interval };

    /// <summary>A single occurrence at <paramref name="instant"/>.</summary>
    public static ScheduleSpec At(DateTimeOffset instant) => new() { Kind = ScheduleKind.Once, RunAt = instant };

    /// <summary>A single occurrence <paramref name="delay"/> after the job is created.</summary>
    public static ScheduleSpec After(TimeSpan delay) => new() { Kind = ScheduleKind.Delay, Delay = delay };

    /// <summary>A short human-readable form, e.g. <c>cron '*/5 * * * * *' UTC</c> or <c>every 250ms</c>.</summary>
    public override string ToString() => Kind switch
    {
        ScheduleKind.Cron => $"cron '{CronExpression}' {TimeZone ?? "UTC"}",
        ScheduleKind.Interval => $"every {Durations.Format(Interval ?? TimeSpan.Zero)}",
        ScheduleKind.Once => $"at {RunAt:O}",
        ScheduleKind.Delay => $"after {Durations.Format(Delay ?? TimeSpan.Zero)}",
        _ => Kind.ToString(),
    } + (MaxRuns is { } max ? $" x{max}" : "");
}
