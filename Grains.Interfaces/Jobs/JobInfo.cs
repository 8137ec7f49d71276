using OrleansScheduler.Execution;

namespace OrleansScheduler.Jobs;

/// <summary>A job as the scheduler sees it now.</summary>
[GenerateSerializer, Immutable, Alias("jobs.JobInfo")]
public sealed record JobInfo
{
    /// <summary>The job's definition as last submitted.</summary>
    [Id(0)] public required JobDefinition Definition { get; init; }

    /// <summary>Bumped by every change (update, pause, resume); executions of older versions are dropped.</summary>
    [Id(1)] public long Version { get; init; }

    /// <summary>Scheduled, paused or completed.</summary>
    [Id(2)] public JobStatus Status { get; init; }

    /// <summary>When the job was first created.</summary>
    [Id(3)] public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When its definition or status last changed.</summary>
    [Id(4)] public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The next occurrence not yet dispatched, or null when none.</summary>
    [Id(5)] public DateTimeOffset? NextDueAt { get; init; }

    /// <summary>Scheduled occurrences dispatched so far (counts toward <see cref="ScheduleSpec.MaxRuns"/>).</summary>
    [Id(6)] public long DispatchedCount { get; init; }

    /// <summary>Executions that ended in success, as recorded by this activation's history.</summary>
    [Id(7)] public long SucceededCount { get; init; }

    /// <summary>Executions whose final attempt failed or timed out.</summary>
    [Id(8)] public long FailedCount { get; init; }

    /// <summary>The most recent recorded outcome, if any.</summary>
    [Id(9)] public ExecutionOutcome? LastOutcome { get; init; }
}
