using Microsoft.Extensions.Options;
using OrleansScheduler.Grains.Hosting;

namespace OrleansScheduler.Grains.Dispatch;

/// <summary>Maps a job to its worker partition: a stable hash of the job id, so every execution and revocation of a job takes the same path, in order.</summary>
public sealed class Partitioner(IOptions<SchedulerOptions> options)
{
    private readonly int _partitions = options.Value.Partitions;

    /// <summary>Number of partitions.</summary>
    public int Count => _partitions;

    /// <summary>The partition of <paramref name="jobId"/>.</summary>
    public int PartitionOf(string jobId) => (int)(StableHash.Of(jobId) % (ulong)_partitions);
}
