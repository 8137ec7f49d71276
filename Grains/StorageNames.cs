namespace OrleansScheduler.Grains;

/// <summary>Names of the grain storage providers the scheduler uses; a backend registers storage under these names.</summary>
public static class StorageNames
{
    /// <summary>Job state and the job index.</summary>
    public const string Jobs = "scheduler";

    /// <summary>Subscriptions of explicit stream consumers (clients watching execution events).</summary>
    public const string PubSub = "PubSubStore";
}
