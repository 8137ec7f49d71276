using OrleansScheduler.Jobs;

namespace OrleansScheduler.Grains.Jobs;

/// <summary>What a job grain persists. Written on every definition or status change and, for the watermark, once per block.</summary>
[GenerateSerializer, Alias("grains.JobState")]
public sealed class JobState
{
    /// <summary>The definition; null when the job does not exist.</summary>
    [Id(0)] public JobDefinition? Definition { get; set; }

    /// <summary>Bumped by every change; executions of older versions are revoked.</summary>
    [Id(1)] public long Version { get; set; }

    /// <summary>Scheduled, paused or completed.</summary>
    [Id(2)] public JobStatus Status { get; set; }

    /// <summary>Creation instant; anchors interval and delay schedules.</summary>
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Last change of definition or status.</summary>
    [Id(4)] public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Every occurrence at or before this instant has been dispatched (or skipped by the misfire policy).</summary>
    [Id(5)] public DateTimeOffset DispatchedThrough { get; set; }

    /// <summary>Scheduled occurrences dispatched through <see cref="DispatchedThrough"/>.</summary>
    [Id(6)] public long DispatchedCount { get; set; }
}
