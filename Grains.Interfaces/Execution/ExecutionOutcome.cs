namespace OrleansScheduler.Execution;

/// <summary>What one attempt did; the job keeps a bounded history of these and publishes each as an event.</summary>
[GenerateSerializer, Immutable, Alias("exec.ExecutionOutcome")]
public sealed record ExecutionOutcome
{
    /// <summary>The job.</summary>
    [Id(0)] public required string JobId { get; init; }

    /// <summary>Deterministic id of the occurrence.</summary>
    [Id(1)] public required string ExecutionId { get; init; }

    /// <summary>The instant it was due.</summary>
    [Id(2)] public DateTimeOffset ScheduledAt { get; init; }

    /// <summary>Attempt number, 1 for the first.</summary>
    [Id(3)] public int Attempt { get; init; }

    /// <summary>How it ended.</summary>
    [Id(4)] public ExecutionStatus Status { get; init; }

    /// <summary>When the handler started.</summary>
    [Id(5)] public DateTimeOffset StartedAt { get; init; }

    /// <summary>When the handler ended.</summary>
    [Id(6)] public DateTimeOffset FinishedAt { get; init; }

    /// <summary>The error message of a failure, else null.</summary>
    [Id(7)] public string? Error { get; init; }

    /// <summary>True when no further attempt will follow (success, or retries exhausted).</summary>
    [Id(8)] public bool IsFinal { get; init; }

    /// <summary>The silo that ran it.</summary>
    [Id(9)] public string? Silo { get; init; }

    /// <summary>The job version that dispatched it.</summary>
    [Id(10)] public long JobVersion { get; init; }

    /// <summary>True for a trigger-now execution.</summary>
    [Id(11)] public bool Manual { get; init; }

    /// <summary>Handler start minus scheduled instant.</summary>
    public TimeSpan Lateness => StartedAt - ScheduledAt;
}
