using OrleansScheduler.Jobs;

namespace OrleansScheduler.Grains;

/// <summary>
/// Creates jobs in batches (a stateless worker: one or more per silo). Far jobs are written straight to the store under
/// their job's key and entered in the wake index and the listing in bulk, without activating anything; near ones, and
/// any whose id exists already, go through their job grain as a single create would.
/// </summary>
[Alias("grains.IJobBatchGrain")]
public interface IJobBatchGrain : IGrainWithIntegerKey
{
    /// <summary>Most definitions one call takes.</summary>
    public const int MaxBatch = 1_000;

    /// <summary>Creates each definition as <see cref="IJobGrain.CreateAsync"/> would; one result per definition, in order.</summary>
    [Alias("CreateMany")] Task<BulkCreateItem[]> CreateManyAsync(JobDefinition[] definitions, bool upsert);
}
