namespace OrleansScheduler.Grains;

/// <summary>How job ids map to listing shards. The shard count is part of the stored layout: never change it.</summary>
public static class JobIndex
{
    /// <summary>Number of listing shards.</summary>
    public const int ShardCount = 16;

    /// <summary>The shard that lists <paramref name="jobId"/> (a stable FNV-1a hash, independent of the process).</summary>
    public static int ShardOf(string jobId) => (int)(StableHash.Of(jobId) % ShardCount);
}
