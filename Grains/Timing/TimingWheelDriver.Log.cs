using Microsoft.Extensions.Logging;

namespace OrleansScheduler.Grains.Timing;

/// <content>Log messages of the timing wheel driver.</content>
public sealed partial class TimingWheelDriver
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Timing wheel driver started: tick {TickMs} ms, {SlotsPerLevel} slots x {Levels} levels, native precise sleep {PreciseSleep}")]
    private static partial void LogStarted(ILogger logger, double tickMs, int slotsPerLevel, int levels, bool preciseSleep);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Precise sleep unavailable ({Reason}): the timing wheel driver falls back to Thread.Sleep(1) and yielding")]
    private static partial void LogPreciseSleepUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Timing wheel driver stopped with {PendingCount} entries pending")]
    private static partial void LogStopped(ILogger logger, int pendingCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timing wheel driver thread did not stop within {TimeoutMs} ms")]
    private static partial void LogStopTimedOut(ILogger logger, double timeoutMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Wheel item {ItemType} due {DueAt} threw from OnExpired; the driver goes on")]
    private static partial void LogItemFailed(ILogger logger, Exception exception, string itemType, DateTimeOffset dueAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timing wheel driver fell behind: firing {Count} entries, the oldest {BehindMs:0} ms after it was due (CPU starvation, long GC pause or a paused VM)")]
    private static partial void LogFellBehind(ILogger logger, double behindMs, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Timing wheel driver loop failed; retrying in 10 ms")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);
}
