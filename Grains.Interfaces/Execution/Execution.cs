using OrleansScheduler.Jobs;

namespace OrleansScheduler.Execution;

/// <summary>One attempt at one occurrence of a job, as handed from the job to a worker.</summary>
[GenerateSerializer, Immutable, Alias("exec.Execution")]
public sealed record Execution
{
    /// <summary>The job this occurrence belongs to.</summary>
    [Id(0)] public required string JobId { get; init; }

    /// <summary>The instant the handler must start at.</summary>
    [Id(1)] public required DateTimeOffset ScheduledAt { get; init; }

    /// <summary>The job version that dispatched it; workers drop executions of revoked versions.</summary>
    [Id(2)] public long JobVersion { get; init; }

    /// <summary>1 for the first attempt; retries bump it and keep <see cref="ExecutionId"/>.</summary>
    [Id(3)] public int Attempt { get; init; } = 1;

    /// <summary>Name of the handler to run.</summary>
    [Id(4)] public required string Handler { get; init; }

    /// <summary>The job's payload.</summary>
    [Id(5)] public string? Payload { get; init; }

    /// <summary>Higher starts first when workers are saturated.</summary>
    [Id(6)] public int Priority { get; init; }

    /// <summary>The handler's token is cancelled after this long.</summary>
    [Id(7)] public TimeSpan Timeout { get; init; }

    /// <summary>How failures are retried.</summary>
    [Id(8)] public RetryPolicy Retry { get; init; } = RetryPolicy.None;

    /// <summary>True for a trigger-now execution, which does not count toward the run cap.</summary>
    [Id(9)] public bool Manual { get; init; }

    /// <summary>Deterministic id: job id + scheduled instant (see <see cref="ExecutionIds"/>).</summary>
    public string ExecutionId => ExecutionIds.For(JobId, ScheduledAt, Manual);
}
