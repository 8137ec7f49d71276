using OrleansScheduler.Jobs;

namespace OrleansScheduler.Execution;

/// <summary>
/// A recurring job's schedule handed to its worker for a while: the worker fires every occurrence after
/// <see cref="After"/> up to <see cref="Until"/> itself, on its silo's wheel, and reports back in bulk
/// (<see cref="LeaseReport"/>), so a fast job costs its job grain a call every few seconds instead of two per
/// occurrence. A grant for a lease the worker already holds (same job and version) only extends it.
/// </summary>
[GenerateSerializer, Immutable, Alias("exec.JobLease")]
public sealed record JobLease
{
    /// <summary>The job.</summary>
    [Id(0)] public required string JobId { get; init; }

    /// <summary>The job version the lease fires; a revocation of it ends the lease.</summary>
    [Id(1)] public long JobVersion { get; init; }

    /// <summary>The worker partition of the job.</summary>
    [Id(2)] public int Partition { get; init; }

    /// <summary>Name of the handler to run.</summary>
    [Id(3)] public required string Handler { get; init; }

    /// <summary>The job's payload.</summary>
    [Id(4)] public string? Payload { get; init; }

    /// <summary>Higher starts first when workers are saturated.</summary>
    [Id(5)] public int Priority { get; init; }

    /// <summary>The handler's token is cancelled after this long.</summary>
    [Id(6)] public TimeSpan Timeout { get; init; }

    /// <summary>How failures are retried.</summary>
    [Id(7)] public RetryPolicy Retry { get; init; } = RetryPolicy.None;

    /// <summary>The job's schedule (recurring: cron or interval).</summary>
    [Id(8)] public required ScheduleSpec Schedule { get; init; }

    /// <summary>The job's creation instant, which anchors an interval schedule.</summary>
    [Id(9)] public DateTimeOffset Anchor { get; init; }

    /// <summary>Every occurrence at or before this instant has finished (or is not the lease's): the worker fires after it.</summary>
    [Id(10)] public DateTimeOffset After { get; init; }

    /// <summary>Occurrences counted through <see cref="After"/> (for the schedule's cap on runs).</summary>
    [Id(11)] public long Count { get; init; }

    /// <summary>The last instant the lease covers; the job extends it before it runs out.</summary>
    [Id(12)] public DateTimeOffset Until { get; init; }

    /// <summary>The first attempt at the occurrence scheduled at <paramref name="scheduledAt"/>, as the job would have dispatched it.</summary>
    public Execution OccurrenceAt(DateTimeOffset scheduledAt) => new()
    {
        JobId = JobId,
        ScheduledAt = scheduledAt,
        JobVersion = JobVersion,
        Handler = Handler,
        Payload = Payload,
        Priority = Priority,
        Timeout = Timeout,
        Retry = Retry,
    };
}

/// <summary>What a worker reports of a lease: how far every occurrence has finished, and the outcomes since its last report.</summary>
[GenerateSerializer, Immutable, Alias("exec.LeaseReport")]
public sealed record LeaseReport
{
    /// <summary>The job.</summary>
    [Id(0)] public required string JobId { get; init; }

    /// <summary>The job version the lease fires.</summary>
    [Id(1)] public long JobVersion { get; init; }

    /// <summary>Every occurrence of the lease at or before this instant reached its final outcome.</summary>
    [Id(2)] public DateTimeOffset FinishedThrough { get; init; }

    /// <summary>Occurrences counted through <see cref="FinishedThrough"/>.</summary>
    [Id(3)] public long FinishedCount { get; init; }

    /// <summary>
    /// The outcomes since the last report, oldest first (at most the history size: the newest), packed by
    /// <see cref="OutcomePacker"/> with the job id left out; null when there were none.
    /// </summary>
    [Id(7)] public byte[]? Outcomes { get; init; }

    /// <summary>Occurrences that succeeded since the last report.</summary>
    [Id(5)] public long Succeeded { get; init; }

    /// <summary>Occurrences that failed for good since the last report.</summary>
    [Id(6)] public long Failed { get; init; }
}
