using Microsoft.Extensions.Logging;

namespace OrleansScheduler.Grains.Handlers;

/// <summary>The built-in <c>log</c> handler: writes one log line per execution with its lateness and payload.</summary>
public sealed partial class LogJobHandler(ILogger<LogJobHandler> logger) : IJobHandler
{
    /// <summary>The name it is registered under.</summary>
    public const string Name = "log";

    /// <inheritdoc />
    public Task ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        LogFired(logger, context.JobId, context.ExecutionId, context.Attempt, (context.StartedAt - context.ScheduledAt).TotalMilliseconds, context.Payload);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} fired: {ExecutionId} attempt {Attempt}, {LateMs:0.000} ms late, payload {Payload}")]
    private static partial void LogFired(ILogger logger, string jobId, string executionId, int attempt, double lateMs, string? payload);
}
