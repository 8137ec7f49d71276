using OrleansScheduler.Jobs;

namespace OrleansScheduler.Grains;

/// <summary>
/// One shard of the job listing, keyed by shard number (<see cref="JobIndex.ShardOf"/>). Job grains keep their row
/// current; callers read every shard and merge.
/// </summary>
[Alias("grains.IJobIndexGrain")]
public interface IJobIndexGrain : IGrainWithIntegerKey
{
    /// <summary>Adds or replaces the row of a job.</summary>
    [Alias("Upsert")] Task UpsertAsync(JobSummary summary);

    /// <summary>Adds or replaces the rows of several jobs (bulk creation).</summary>
    [Alias("UpsertMany")] Task UpsertManyAsync(JobSummary[] summaries);

    /// <summary>Removes the row of a job.</summary>
    [Alias("Remove")] Task RemoveAsync(string jobId);

    /// <summary>The first rows of this shard matching <paramref name="query"/>, ordered by id.</summary>
    [Alias("Query")] Task<IReadOnlyList<JobSummary>> QueryAsync(JobQuery query);
}
