namespace OrleansScheduler.Grains.Failover;

/// <summary>
/// One bucket of the live-job registry: which silo holds the activation of each job that is firing soon (near horizon).
/// Jobs whose silo leaves the cluster are found here and woken on a survivor at once, instead of at their next
/// reminder tick. Far jobs are not listed: their reminder wakes them.
/// </summary>
[Alias("grains.IJobRegistryGrain")]
public interface IJobRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Records that activation <paramref name="activation"/> on <paramref name="silo"/> holds <paramref name="jobId"/>;
    /// returns once that is stored.
    /// </summary>
    [Alias("Register")] Task RegisterAsync(string jobId, string silo, long activation);

    /// <summary>Forgets <paramref name="jobId"/> if that activation is still the one recorded (not a successor).</summary>
    [Alias("Unregister"), Orleans.Concurrency.OneWay] Task UnregisterAsync(string jobId, string silo, long activation);

    /// <summary>The jobs recorded on a silo that is not among <paramref name="activeSilos"/>.</summary>
    [Alias("Orphans")] Task<string[]> OrphansAsync(string[] activeSilos);
}

/// <summary>How job ids map to registry buckets. The count is part of the stored layout: never change it.</summary>
public static class JobRegistry
{
    /// <summary>Number of registry buckets.</summary>
    public const int BucketCount = 64;

    /// <summary>The bucket that records <paramref name="jobId"/>.</summary>
    public static int BucketOf(string jobId) => (int)((StableHash.Of(jobId) >> 20) % BucketCount);
}
