namespace OrleansScheduler.Jobs;

/// <summary>
/// Everything a caller says about a job. Two definitions are the same job when they are equal as records;
/// that is what makes re-creating a job idempotent.
/// </summary>
[GenerateSerializer, Immutable, Alias("jobs.JobDefinition")]
public sealed record JobDefinition
{
    /// <summary>Unique id: 1–200 characters of letters, digits and <c>. _ - : /</c>.</summary>
    [Id(0)] public required string Id { get; init; }

    /// <summary>When the job fires.</summary>
    [Id(1)] public required ScheduleSpec Schedule { get; init; }

    /// <summary>Name of the registered handler that runs each execution, e.g. <c>log</c> or <c>noop</c>.</summary>
    [Id(2)] public required string Handler { get; init; }

    /// <summary>Text handed to the handler; at most 64 KiB of UTF-8. Default null.</summary>
    [Id(3)] public string? Payload { get; init; }

    /// <summary>False creates the job paused. Default true.</summary>
    [Id(4)] public bool Enabled { get; init; } = true;

    /// <summary>When workers are saturated, higher priorities start first. Default 0, between -1000 and 1000.</summary>
    [Id(5)] public int Priority { get; init; }

    /// <summary>The handler's token is cancelled after this long. Default 30 s, between 1 ms and 24 h.</summary>
    [Id(6)] public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of failed or timed-out executions. Default: none.</summary>
    [Id(7)] public RetryPolicy Retry { get; init; } = RetryPolicy.None;

    /// <summary>What to do with occurrences missed while nothing could fire them. Default <see cref="MisfirePolicy.FireOnceNow"/>.</summary>
    [Id(8)] public MisfirePolicy Misfire { get; init; } = MisfirePolicy.FireOnceNow;
}
