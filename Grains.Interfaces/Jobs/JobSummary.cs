namespace OrleansScheduler.Jobs;

/// <summary>One row of a job listing.</summary>
[GenerateSerializer, Immutable, Alias("jobs.JobSummary")]
public sealed record JobSummary(
    [property: Id(0)] string Id,
    [property: Id(1)] string Handler,
    [property: Id(2)] JobStatus Status,
    [property: Id(3)] string Schedule,
    [property: Id(4)] DateTimeOffset UpdatedAt);
