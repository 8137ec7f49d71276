using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace OrleansScheduler.Grains.Hosting.Redis;

internal sealed partial class RedisConnection
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Connecting to Redis at {Endpoints}")]
    private static partial void LogConnecting(ILogger logger, string endpoints);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to Redis at {Endpoints} in {ElapsedMs:0} ms")]
    private static partial void LogConnected(ILogger logger, string endpoints, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis at {Endpoints} is not reachable: the silo waits for it to start, retrying every {RetrySeconds} s")]
    private static partial void LogWaitingAtStart(ILogger logger, string endpoints, double retrySeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis at {Endpoints} is unreachable ({FailureType}): the silo keeps running, Redis calls wait or fail meanwhile, reconnecting every {RetrySeconds} s")]
    private static partial void LogUnreachable(ILogger logger, string endpoints, ConnectionFailureType failureType, double retrySeconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Redis at {Endpoints} still unreachable ({FailureType})")]
    private static partial void LogStillUnreachable(ILogger logger, Exception? exception, string endpoints, ConnectionFailureType failureType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis at {Endpoints} is reachable again after {DownSeconds:0.0} s")]
    private static partial void LogReachableAgain(ILogger logger, string endpoints, double downSeconds);
}
