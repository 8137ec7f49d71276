namespace OrleansScheduler.Benchmarks.Failover.Nodes;

/// <summary>Placeholder until <c>UseRedisJobStore</c> lands: the silo host of the "ours" target.</summary>
public static class OursNode
{
    public static Task<int> RunAsync(NodeOptions node, HarnessLink link, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the ours target needs UseRedisJobStore (Grains/Hosting/RedisJobStoreExtensions.cs), which has not landed yet");
}
