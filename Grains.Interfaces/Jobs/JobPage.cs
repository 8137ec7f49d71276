namespace OrleansScheduler.Jobs;

/// <summary>A page of jobs; <see cref="Next"/> is the <see cref="JobQuery.After"/> of the next page, null on the last.</summary>
[GenerateSerializer, Immutable, Alias("jobs.JobPage")]
public sealed record JobPage([property: Id(0)] IReadOnlyList<JobSummary> Items, [property: Id(1)] string? Next);
