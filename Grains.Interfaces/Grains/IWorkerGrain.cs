using OrleansScheduler.Execution;

namespace OrleansScheduler.Grains;

/// <summary>
/// One worker partition, keyed by partition number. It receives executions from the execution stream (implicit
/// subscription) or, when an execution is already due, directly; it holds them in its silo's timing wheel until due.
/// </summary>
[Alias("grains.IWorkerGrain")]
public interface IWorkerGrain : IGrainWithIntegerKey
{
    /// <summary>Accepts executions directly (used when the stream hop would make them late).</summary>
    [Alias("Deliver")] Task DeliverAsync(ExecutionBatch batch);

    /// <summary>Drops every held or later-arriving execution of <paramref name="jobId"/> older than <paramref name="minVersion"/>.</summary>
    [Alias("Revoke")] Task RevokeAsync(string jobId, long minVersion);

    /// <summary>
    /// Takes or extends the lease of a recurring job: this worker's silo fires its occurrences itself until the lease
    /// runs out. A grant of an older version than the one held is ignored; a newer one replaces it. Returns what the
    /// lease held has not reported yet (a renewal carries the lease's report back), or null.
    /// </summary>
    [Alias("Lease")] Task<LeaseReport?> LeaseAsync(JobLease lease);

    /// <summary>What the lease of <paramref name="jobId"/> has not reported yet (null when nothing), taken now instead of at the next report.</summary>
    [Alias("Collect")] Task<LeaseReport?> CollectAsync(string jobId);
}
