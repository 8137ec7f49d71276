namespace OrleansScheduler.Silo;

/// <summary>Where the silo listens and which cluster it joins. Bound from the <c>Silo</c> configuration section.</summary>
public sealed class SiloHostOptions
{
    /// <summary>Configuration section these options bind from.</summary>
    public const string SectionName = "Silo";

    /// <summary>Silo-to-silo port. Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port clients (the CLI, embedding services) connect to. Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Cluster id; silos and clients of one cluster share it. Default <c>orleans-scheduler</c>.</summary>
    public string ClusterId { get; set; } = "orleans-scheduler";

    /// <summary>Service id; names the durable data of the service. Default <c>orleans-scheduler</c>.</summary>
    public string ServiceId { get; set; } = "orleans-scheduler";

    /// <summary>Validates the ports and ids, naming the option.</summary>
    public void Validate()
    {
        if (SiloPort is < 1 or > 65535) throw new InvalidOperationException($"Silo:SiloPort must be a TCP port 1–65535 (was {SiloPort}).");
        if (GatewayPort is < 1 or > 65535) throw new InvalidOperationException($"Silo:GatewayPort must be a TCP port 1–65535 (was {GatewayPort}).");
        if (SiloPort == GatewayPort) throw new InvalidOperationException($"Silo:SiloPort and Silo:GatewayPort must differ (both {SiloPort}).");
        if (string.IsNullOrWhiteSpace(ClusterId)) throw new InvalidOperationException("Silo:ClusterId must not be empty.");
        if (string.IsNullOrWhiteSpace(ServiceId)) throw new InvalidOperationException("Silo:ServiceId must not be empty.");
    }
}
