using Orleans.Concurrency;
using OrleansScheduler.Execution;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Grains;

/// <summary>The single owner of one job, keyed by job id.</summary>
[Alias("grains.IJobGrain")]
public interface IJobGrain : IGrainWithStringKey
{
    /// <summary>Creates the job. Same definition again: <see cref="CreateJobResult.Unchanged"/>; another one throws
    /// <see cref="Errors.JobConflictException"/> unless <paramref name="upsert"/>.</summary>
    [Alias("Create")] Task<CreateJobResult> CreateAsync(JobDefinition definition, bool upsert);

    /// <summary>Replaces the definition of an existing job; takes effect at once and revokes what was dispatched.</summary>
    [Alias("Update")] Task<JobInfo> UpdateAsync(JobDefinition definition);

    /// <summary>The job, or null when it does not exist.</summary>
    [Alias("Get")] Task<JobInfo?> GetAsync();

    /// <summary>Stops firing and revokes what was dispatched.</summary>
    [Alias("Pause")] Task<JobInfo> PauseAsync();

    /// <summary>Starts firing again from the next occurrence after now.</summary>
    [Alias("Resume")] Task<JobInfo> ResumeAsync();

    /// <summary>Runs the job once now, outside its schedule; returns the execution id.</summary>
    [Alias("Trigger")] Task<string> TriggerAsync();

    /// <summary>Deletes the job, its reminder, wheel entry and state; false when it did not exist.</summary>
    [Alias("Delete")] Task<bool> DeleteAsync();

    /// <summary>The most recent outcomes, newest first, at most <paramref name="limit"/>.</summary>
    [Alias("History")] Task<IReadOnlyList<ExecutionOutcome>> GetHistoryAsync(int limit);

    /// <summary>A worker reports how an attempt ended.</summary>
    [OneWay, Alias("ReportOutcome")] Task ReportOutcomeAsync(ExecutionOutcome outcome);

    /// <summary>The worker holding the job's lease reports progress and outcomes (every few seconds).</summary>
    [OneWay, Alias("ReportLease")] Task ReportLeaseAsync(LeaseReport report);

    /// <summary>Makes sure the job has an activation, armed from its stored state (failover and hand-over wake jobs so).</summary>
    [Alias("Ping")] Task PingAsync();

    /// <summary>A silo left or joined: grant the lease again and dispatch again what has not finished, with the same ids (workers drop what they already hold).</summary>
    [OneWay, Alias("Redeliver")] Task RedeliverAsync();

    /// <summary>A worker was handed an occurrence again that had already finished there: it counts as finished.</summary>
    [OneWay, Alias("Acknowledge")] Task AcknowledgeAsync(DateTimeOffset scheduledAt, long jobVersion);

    /// <summary>This silo is stopping: store progress and let the activation go, so that a survivor takes over at once.</summary>
    [Alias("HandOff")] Task HandOffAsync();

    /// <summary>The silo's timing wheel says the armed dispatch time has come; <paramref name="armToken"/> tells stale wakes apart.</summary>
    [OneWay, Alias("Wake")] Task WakeAsync(long armToken);

    /// <summary>
    /// The far-horizon wake index says the job's next occurrence is near: it arms the timing wheel. Returns once the
    /// job holds its near state (the index forgets the entry only then).
    /// </summary>
    [Alias("Due")] Task DueAsync();
}
