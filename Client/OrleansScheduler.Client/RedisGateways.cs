using StackExchange.Redis;

namespace OrleansScheduler.Client;

/// <summary>How the client connects to the silos' Redis server to read their gateways.</summary>
internal static class RedisGateways
{
    /// <summary>
    /// Parses <paramref name="connectionString"/> into options that do not abort when Redis is briefly away: the
    /// connection retry (<see cref="JobSchedulerClientOptions.ConnectTimeout"/>) decides when to give up.
    /// </summary>
    public static ConfigurationOptions Parse(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.ReconnectRetryPolicy = new LinearRetry(1000);
        options.ClientName ??= "orleans-scheduler-client";
        return options;
    }

    /// <summary>Why <paramref name="connectionString"/> is unusable, as the end of a sentence; null when it is fine.</summary>
    public static string? Problem(string connectionString)
    {
        try
        {
            return ConfigurationOptions.Parse(connectionString).EndPoints.Count == 0
                ? "names no Redis endpoint; expected host:port[,password=...]."
                : null;
        }
        catch (ArgumentException e)
        {
            return $"is not a Redis connection string ({e.Message}); expected host:port[,password=...].";
        }
    }

    /// <summary>The endpoints of <paramref name="connectionString"/> without credentials, for messages.</summary>
    public static string Describe(string connectionString)
    {
        try
        {
            return string.Join(",", ConfigurationOptions.Parse(connectionString).EndPoints.Select(e => e switch
            {
                System.Net.DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
                _ => e.ToString(),
            }));
        }
        catch (ArgumentException)
        {
            return "(unparsable connection string)";
        }
    }
}
