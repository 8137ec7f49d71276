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

    /// <summary>
    /// Where a new activation resumes: every occurrence at or before this instant has finished (its final outcome came
    /// back) or was skipped by the misfire policy. Occurrences after it may have been dispatched already; after a crash
    /// they are dispatched again with the same <c>ExecutionId</c>s (the redelivery window).
    /// </summary>
    [Id(5)] public DateTimeOffset DispatchedThrough { get; set; }

    /// <summary>Scheduled occurrences counted through <see cref="DispatchedThrough"/> (for the cap on runs).</summary>
    [Id(6)] public long DispatchedCount { get; set; }

    /// <summary>
    /// The fence: no activation dispatches an occurrence after this instant without first writing this state, and
    /// every write checks the ETag. An activation that lost ownership (another one wrote since it read) fails its
    /// next write and stops; it can have dispatched nothing beyond the reservation it wrote last.
    /// </summary>
    [Id(7)] public DateTimeOffset ReservedThrough { get; set; }

    /// <summary>Whether the near horizon's safety-net reminder is registered (far jobs have none: the wake index wakes them).</summary>
    [Id(8)] public bool NearReminder { get; set; }
}
