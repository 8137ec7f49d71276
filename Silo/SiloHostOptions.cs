using System.Net;

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

    /// <summary>
    /// Cluster id: silos (and clients) with the same id and Redis server form one cluster. Two clusters may share a
    /// Redis server under different ids. Default <c>orleans-scheduler</c>.
    /// </summary>
    public string ClusterId { get; set; } = "orleans-scheduler";

    /// <summary>
    /// Service id: names the durable data (job state, reminders) in Redis; keep it across deployments of one service,
    /// and give independent services different ids. Default <c>orleans-scheduler</c>.
    /// </summary>
    public string ServiceId { get; set; } = "orleans-scheduler";

    /// <summary>
    /// With Redis: the IP address this silo listens on and publishes in the membership table, where the other silos
    /// and the clients read it. On a VM, its address on the network the silos share. Ignored by the embedded default,
    /// which always uses localhost. Default <c>127.0.0.1</c>.
    /// </summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// Refuse to start without <c>ConnectionStrings:Redis</c>, so a production silo whose connection string went
    /// missing stops with an error instead of running alone with its jobs in memory. Default false (true in
    /// <c>deploy/appsettings.Production.json</c>).
    /// </summary>
    public bool RequireRedis { get; set; }

    /// <summary>Validates the ports, ids and address, naming the option.</summary>
    public void Validate()
    {
        if (SiloPort is < 1 or > 65535) throw new InvalidOperationException($"Silo:SiloPort must be a TCP port 1–65535 (was {SiloPort}).");
        if (GatewayPort is < 1 or > 65535) throw new InvalidOperationException($"Silo:GatewayPort must be a TCP port 1–65535 (was {GatewayPort}).");
        if (SiloPort == GatewayPort) throw new InvalidOperationException($"Silo:SiloPort and Silo:GatewayPort must differ (both {SiloPort}).");
        if (string.IsNullOrWhiteSpace(ClusterId)) throw new InvalidOperationException("Silo:ClusterId must not be empty.");
        if (string.IsNullOrWhiteSpace(ServiceId)) throw new InvalidOperationException("Silo:ServiceId must not be empty.");
        if (!IPAddress.TryParse(AdvertisedAddress, out var address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
            throw new InvalidOperationException($"Silo:AdvertisedAddress must be this machine's IP address as the other silos reach it, e.g. 10.0.0.5 (was '{AdvertisedAddress}').");
    }

    /// <summary><see cref="AdvertisedAddress"/> parsed; call after <see cref="Validate"/>.</summary>
    public IPAddress AdvertisedIPAddress => IPAddress.Parse(AdvertisedAddress);
}
