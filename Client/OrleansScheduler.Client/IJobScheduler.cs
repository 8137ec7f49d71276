using OrleansScheduler.Execution;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Client;

/// <summary>
/// What an application (or the CLI) does with scheduled jobs. Requests are checked here first, so a bad id or
/// definition fails fast with <see cref="Errors.JobValidationException"/> naming the field, before any cluster call.
/// </summary>
/// <remarks>
/// Errors: <see cref="Errors.JobValidationException"/> (bad input), <see cref="Errors.JobNotFoundException"/> (no such
/// job), <see cref="Errors.JobConflictException"/> (create without upsert over a different definition); Orleans'
/// own exceptions when the cluster cannot be reached. Every method honours its token by abandoning the wait: a call
/// already sent may still take effect in the cluster.
/// </remarks>
public interface IJobScheduler
{
    /// <summary>
    /// Creates a job. Creating the same definition again is a no-op (<see cref="CreateJobResult.Unchanged"/>);
    /// a different definition under an existing id throws <see cref="Errors.JobConflictException"/> unless
    /// <paramref name="upsert"/> is true, which replaces it (<see cref="CreateJobResult.Updated"/>).
    /// </summary>
    /// <param name="definition">The job to create.</param>
    /// <param name="upsert">Replace an existing job with another definition. Default false.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    Task<CreateJobResult> CreateAsync(JobDefinition definition, bool upsert = false, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates many jobs in batches, per definition with the semantics of <see cref="CreateAsync"/> (the same definition
    /// again is <see cref="CreateJobResult.Unchanged"/>; another one under an existing id is refused as a conflict
    /// unless <paramref name="upsert"/>). A definition that is invalid, conflicts or repeats an id of the same request
    /// is reported in <see cref="BulkCreateResult.Failed"/> with its reason; it never keeps the others out. Jobs whose
    /// first occurrence is far away are stored without activating anything (tens of thousands per second).
    /// </summary>
    /// <param name="definitions">The jobs to create.</param>
    /// <param name="upsert">Replace existing jobs that have another definition. Default false.</param>
    /// <param name="progress">Told how many definitions have been handled so far, after each batch.</param>
    /// <param name="cancellationToken">Stops sending further batches; batches already sent may still take effect.</param>
    Task<BulkCreateResult> CreateManyAsync(IEnumerable<JobDefinition> definitions, bool upsert = false, IProgress<int>? progress = null,
        CancellationToken cancellationToken = default);

    /// <summary>The job with <paramref name="jobId"/>, or null when there is none.</summary>
    /// <param name="jobId">The job's id.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    Task<JobInfo?> GetAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>
    /// One page of jobs ordered by id (ordinal). Pass the returned <see cref="JobPage.Next"/> as
    /// <see cref="JobQuery.After"/> to read the next page; it is null on the last page.
    /// </summary>
    /// <param name="query">Filters and page size; null lists everything, 100 per page.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    Task<JobPage> ListAsync(JobQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>Replaces the definition of an existing job (same id); takes effect at once.</summary>
    /// <param name="definition">The new definition; its <see cref="JobDefinition.Id"/> names the job.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The job after the change.</returns>
    Task<JobInfo> UpdateAsync(JobDefinition definition, CancellationToken cancellationToken = default);

    /// <summary>Stops the job firing until it is resumed.</summary>
    /// <param name="jobId">The job's id.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The job after the change.</returns>
    Task<JobInfo> PauseAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>Starts a paused job firing again, from its next occurrence after now.</summary>
    /// <param name="jobId">The job's id.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The job after the change.</returns>
    Task<JobInfo> ResumeAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>Runs the job once now, outside its schedule (does not count toward its run cap).</summary>
    /// <param name="jobId">The job's id.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The execution id of the manual run (see <see cref="Execution.ExecutionIds"/>).</returns>
    Task<string> TriggerAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>Deletes the job and everything scheduled for it.</summary>
    /// <param name="jobId">The job's id.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>False when there was no such job.</returns>
    Task<bool> DeleteAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>The job's most recent execution outcomes, newest first.</summary>
    /// <param name="jobId">The job's id.</param>
    /// <param name="limit">At most this many outcomes. Default 50, between 1 and 1000.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    Task<IReadOnlyList<ExecutionOutcome>> GetHistoryAsync(string jobId, int limit = 50, CancellationToken cancellationToken = default);

    /// <summary>
    /// Live execution outcomes as the cluster publishes them, from the moment of subscription (no replay), until the
    /// enumeration is disposed or <paramref name="cancellationToken"/> is cancelled; then it unsubscribes.
    /// Delivery is best effort: memory streams lose events of a silo that dies.
    /// </summary>
    /// <param name="jobId">Only this job's outcomes; null for every job.</param>
    /// <param name="cancellationToken">Ends the enumeration (with <see cref="OperationCanceledException"/>).</param>
    IAsyncEnumerable<ExecutionOutcome> WatchAsync(string? jobId = null, CancellationToken cancellationToken = default);
}
