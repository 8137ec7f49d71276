using Microsoft.Extensions.Logging;
using OrleansScheduler.Execution;

namespace OrleansScheduler.Grains.Workers;

public sealed partial class ExecutionRunner
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Dropped {ExecutionId}: job version {Version} is revoked")]
    private static partial void LogDroppedRevoked(ILogger logger, string executionId, long version);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Executions of job {JobId} below version {MinVersion} are revoked")]
    private static partial void LogRevoked(ILogger logger, string jobId, long minVersion);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retrying {ExecutionId} as attempt {Attempt} in {BackoffMs} ms after: {Error}")]
    private static partial void LogRetry(ILogger logger, string executionId, int attempt, double backoffMs, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{ExecutionId} attempt {Attempt} ended {Status}: {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, string executionId, int attempt, ExecutionStatus status, string? error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dropped {ExecutionId}: this silo already took that occurrence (a redelivery)")]
    private static partial void LogDuplicateDropped(ILogger logger, string executionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped {ExecutionId}: it came over the stream long after its instant (its job sends such executions again directly)")]
    private static partial void LogStaleDropped(ILogger logger, string executionId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recording an outcome of job {JobId} failed")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, string jobId);
}
