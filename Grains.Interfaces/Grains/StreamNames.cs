namespace OrleansScheduler.Grains;

/// <summary>Names shared by silos and clients for the scheduler's streams.</summary>
public static class StreamNames
{
    /// <summary>The stream provider the scheduler publishes on. Silos and clients register it under this name.</summary>
    public const string Provider = "scheduler";

    /// <summary>Namespace of the execution streams; the stream key is the worker partition number.</summary>
    public const string Executions = "scheduler.executions";

    /// <summary>Namespace of the execution-event stream that clients watch.</summary>
    public const string Events = "scheduler.events";

    /// <summary>Key of the single execution-event stream.</summary>
    public const string EventsKey = "all";
}
