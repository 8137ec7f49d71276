namespace OrleansScheduler.Client;

/// <summary>
/// How a client finds the scheduler cluster. Bound from the configuration section <see cref="SectionName"/>
/// (e.g. <c>Scheduler__Client__GatewayPort=30001</c>), then adjusted by the delegate given to
/// <see cref="JobSchedulerClientExtensions.AddJobSchedulerClient"/>.
/// </summary>
public sealed class JobSchedulerClientOptions
{
    /// <summary>The configuration section these options are read from.</summary>
    public const string SectionName = "Scheduler:Client";

    /// <summary>Gateway port of a silo on this machine. Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Orleans cluster id; must match the silos'. Default "orleans-scheduler".</summary>
    public string ClusterId { get; set; } = "orleans-scheduler";

    /// <summary>Orleans service id; must match the silos'. Default "orleans-scheduler".</summary>
    public string ServiceId { get; set; } = "orleans-scheduler";

    /// <summary>How long the client keeps retrying its first connection before giving up. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
