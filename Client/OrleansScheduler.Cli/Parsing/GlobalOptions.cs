namespace OrleansScheduler.Cli.Parsing;

/// <summary>Options every command accepts: where the cluster is and how to print.</summary>
/// <param name="Port">Gateway port of a local silo (<c>--port</c>, else <c>ORLEANS_SCHEDULER_PORT</c>, else 30000).</param>
/// <param name="ClusterId">Orleans cluster id (<c>--cluster-id</c>); null keeps the client default.</param>
/// <param name="ServiceId">Orleans service id (<c>--service-id</c>); null keeps the client default.</param>
/// <param name="Json">Print machine-readable JSON (<c>--json</c>).</param>
/// <param name="ConnectTimeout">How long to keep trying to connect (<c>--connect-timeout</c>); null keeps the client default.</param>
/// <param name="Verbose">Log the client's warnings to stderr (<c>--verbose</c>).</param>
/// <param name="Redis">
/// The cluster's Redis connection string (<c>--redis</c>, else <c>ConnectionStrings__Redis</c>); when set the client finds
/// the silos through Redis and <paramref name="Port"/> is not used. Null connects to the local gateway.
/// </param>
internal sealed record GlobalOptions(int Port, string? ClusterId, string? ServiceId, bool Json, TimeSpan? ConnectTimeout, bool Verbose, string? Redis = null)
{
    /// <summary>The port used when neither <c>--port</c> nor the environment variable names one.</summary>
    public const int DefaultPort = 30000;

    /// <summary>Environment variable read when <c>--port</c> is absent.</summary>
    public const string PortVariable = "ORLEANS_SCHEDULER_PORT";

    /// <summary>Environment variable read when <c>--redis</c> is absent; the silos read the same one.</summary>
    public const string RedisVariable = "ConnectionStrings__Redis";

    /// <summary>Defaults: port 30000, text output.</summary>
    public static GlobalOptions Default { get; } = new(DefaultPort, null, null, false, null, false);
}
