namespace OrleansScheduler.Jobs;

/// <summary>A page of a job listing, ordered by id.</summary>
[GenerateSerializer, Immutable, Alias("jobs.JobQuery")]
public sealed record JobQuery
{
    /// <summary>Only ids starting with this text. Default: all.</summary>
    [Id(0)] public string? IdPrefix { get; init; }

    /// <summary>Only jobs with this handler. Default: all.</summary>
    [Id(1)] public string? Handler { get; init; }

    /// <summary>Only jobs in this status. Default: all.</summary>
    [Id(2)] public JobStatus? Status { get; init; }

    /// <summary>Continue after this id (the last id of the previous page). Default: from the start.</summary>
    [Id(3)] public string? After { get; init; }

    /// <summary>Page size. Default 100, between 1 and 1000.</summary>
    [Id(4)] public int Limit { get; init; } = 100;
}
