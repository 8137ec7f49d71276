namespace OrleansScheduler.Grains;

/// <summary>
/// One bucket of the far-horizon wake index, keyed by bucket number (<see cref="JobWakeIndex.BucketOf"/>). A job whose
/// next occurrence is far away records here when it must be woken and lets its activation go; the bucket wakes it
/// shortly before it is due. Idle jobs so cost an entry here (about a hundred bytes) instead of an activation, a timer
/// or a reminder each. The bucket's entries are stored; one reminder per bucket brings it back after a restart.
/// </summary>
[Alias("grains.IJobWakeIndexGrain")]
public interface IJobWakeIndexGrain : IGrainWithIntegerKey
{
    /// <summary>Records that <paramref name="jobId"/> must be woken at <paramref name="wakeAt"/>; returns once stored.</summary>
    [Alias("Set")] Task SetAsync(string jobId, DateTimeOffset wakeAt);

    /// <summary>Records several wake times at once (bulk creation); returns once stored.</summary>
    [Alias("SetMany")] Task SetManyAsync(IReadOnlyList<JobWake> wakes);

    /// <summary>Forgets <paramref name="jobId"/> (it is near, paused, completed or deleted); returns once stored.</summary>
    [Alias("Remove")] Task RemoveAsync(string jobId);

    /// <summary>Entries held, and the earliest wake time among them (null when empty).</summary>
    [Alias("Describe")] Task<(int Count, DateTimeOffset? Earliest)> DescribeAsync();
}

/// <summary>One entry of the wake index: a job and when to wake it.</summary>
[GenerateSerializer, Immutable, Alias("grains.JobWake")]
public readonly record struct JobWake([property: Id(0)] string JobId, [property: Id(1)] DateTimeOffset WakeAt);

/// <summary>How job ids map to wake-index buckets. The count is part of the stored layout: never change it.</summary>
public static class JobWakeIndex
{
    /// <summary>Number of buckets.</summary>
    public const int BucketCount = 256;

    /// <summary>The bucket that holds the wake time of <paramref name="jobId"/>.</summary>
    public static int BucketOf(string jobId) => (int)((StableHash.Of(jobId) >> 32) % BucketCount);
}
