using Microsoft.Extensions.Logging;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Grains.Jobs;

public sealed partial class JobGrain
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} created: {Schedule}, handler {Handler}")]
    private static partial void LogCreated(ILogger logger, string jobId, string schedule, string handler);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} updated to version {Version}: {Schedule}")]
    private static partial void LogUpdated(ILogger logger, string jobId, long version, string schedule);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} is now {Status} (version {Version})")]
    private static partial void LogStatusChanged(ILogger logger, string jobId, JobStatus status, long version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} completed after {Count} occurrences")]
    private static partial void LogCompleted(ILogger logger, string jobId, long count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} deleted")]
    private static partial void LogDeleted(ILogger logger, string jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} triggered now as {ExecutionId}")]
    private static partial void LogTriggered(ILogger logger, string jobId, string executionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} missed its occurrence at {DueAt:O}; misfire policy {Policy}")]
    private static partial void LogMisfired(ILogger logger, string jobId, DateTimeOffset dueAt, MisfirePolicy policy);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} could not dispatch {Count} executions; retrying")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception, string jobId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: another activation took the job over (its state changed since this one read it); this one stops firing and goes")]
    private static partial void LogFenced(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} could not store its progress (store unreachable?); {KeepsFiring}: keeps firing if true, else waits for the store")]
    private static partial void LogReserveFailed(ILogger logger, Exception exception, string jobId, bool keepsFiring);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} could not register its safety nets (reminder, live-job registry); a silo failure may wake it only at the next sweep")]
    private static partial void LogRegisterFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} redelivered {Count} unfinished executions after the cluster changed")]
    private static partial void LogRedelivered(ILogger logger, string jobId, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job {JobId} redelivery attempt {Attempt} failed; retrying")]
    private static partial void LogRedeliveryRetry(ILogger logger, Exception exception, string jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} sent {Count} executions again that had not reported back in time")]
    private static partial void LogRedeliveredOverdue(ILogger logger, string jobId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: granting its lease to its worker failed; it dispatches itself until the next try")]
    private static partial void LogLeaseFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing the history of job {JobId} failed; it is written again after the flush delay")]
    private static partial void LogHistoryWriteFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} resumes where its worker's lease finished, {FinishedThrough:o}, not at its stored point {Stored:o}")]
    private static partial void LogResumedFromWorker(ILogger logger, string jobId, DateTimeOffset stored, DateTimeOffset finishedThrough);
}
