namespace OrleansScheduler.Client;

/// <summary>
/// How a client finds the scheduler cluster: through Redis clustering when <see cref="RedisConnectionString"/> is set
/// (any silo of the cluster, found in the membership table), else a silo's gateway on this machine. Bound from the
/// configuration section <see cref="SectionName"/> (e.g. <c>Scheduler__Client__GatewayPort=30001</c>), with the
/// connection string also read from <c>ConnectionStrings:Redis</c>, then adjusted by the delegate given to
/// <see cref="JobSchedulerClientExtensions.AddJobSchedulerClient"/>.
/// </summary>
public sealed class JobSchedulerClientOptions
{
    /// <summary>The configuration section these options are read from.</summary>
    public const string SectionName = "Scheduler:Client";

    /// <summary>
    /// The silos' Redis server (StackExchange.Redis syntax: <c>host:port[,password=…][,ssl=true]</c>). When set, the
    /// client reads the live gateways of cluster <see cref="ClusterId"/> from Redis and <see cref="GatewayPort"/> is not
    /// used. When empty, the configuration key <c>ConnectionStrings:Redis</c> is used if present. Default none.
    /// </summary>
    public string? RedisConnectionString { get; set; }

    /// <summary>Gateway port of a silo on this machine, used when there is no <see cref="RedisConnectionString"/>. Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Orleans cluster id; must match the silos'. Default "orleans-scheduler".</summary>
    public string ClusterId { get; set; } = "orleans-scheduler";

    /// <summary>Orleans service id; must match the silos'. Default "orleans-scheduler".</summary>
    public string ServiceId { get; set; } = "orleans-scheduler";

    /// <summary>How long the client keeps retrying its first connection before giving up. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
