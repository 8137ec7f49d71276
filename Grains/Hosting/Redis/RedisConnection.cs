using System.Net;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace OrleansScheduler.Grains.Hosting.Redis;

/// <summary>
/// The one Redis connection a silo shares between membership, reminders and grain state, so an outage shows up as one
/// pair of log lines ("unreachable" … "reachable again after N s") instead of one per provider. It never gives up:
/// a silo started while Redis is away waits for it, and a running one reconnects within <see cref="ReconnectInterval"/>
/// of Redis coming back; meanwhile Redis calls wait (up to the client's 5 s async timeout) or fail, and Orleans retries
/// its own (membership, reminders).
/// </summary>
internal sealed partial class RedisConnection : IAsyncDisposable
{
    /// <summary>Pause between reconnection attempts: short, since a restarted Redis should be used at once.</summary>
    internal static readonly TimeSpan ReconnectInterval = TimeSpan.FromSeconds(1);

    /// <summary>How often a starting silo checks whether the connection came up.</summary>
    private static readonly TimeSpan StartupPollInterval = TimeSpan.FromMilliseconds(200);

    private readonly ConfigurationOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly string _endpoints;
    private readonly CancellationToken _stopping;
    private Task<ConnectionMultiplexer>? _connecting;
    private long? _downSince;

    /// <param name="options">Connection options, from <see cref="ParseOptions"/>.</param>
    /// <param name="logger">Where connection losses and recoveries are logged.</param>
    /// <param name="time">Clock for the outage duration and the retry pauses.</param>
    /// <param name="stopping">Ends the wait for a Redis server that is away while the silo starts.</param>
    public RedisConnection(ConfigurationOptions options, ILogger<RedisConnection> logger, TimeProvider time, CancellationToken stopping)
    {
        _stopping = stopping;
        _options = options;
        _logger = logger;
        _time = time;
        _endpoints = Describe(options);
    }

    /// <summary>The endpoints, without credentials, for log lines and error messages.</summary>
    public string Endpoints => _endpoints;

    /// <summary>
    /// Parses <paramref name="connectionString"/> (StackExchange.Redis syntax: <c>host:port[,password=…][,ssl=true]</c>)
    /// into options that never abort on a failed connect and reconnect every <see cref="ReconnectInterval"/>.
    /// </summary>
    /// <param name="connectionString">The connection string.</param>
    /// <param name="source">Where it came from, for the error message and <see cref="ArgumentException.ParamName"/>.</param>
    /// <exception cref="ArgumentException">The string is not a Redis connection string; the message says why.</exception>
    public static ConfigurationOptions ParseOptions(string connectionString, string source)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{source} is not a Redis connection string ({e.Message}); expected host:port[,password=...][,ssl=true].", source, e);
        }
        if (options.EndPoints.Count == 0)
            throw new ArgumentException($"{source} names no Redis endpoint; expected host:port[,password=...][,ssl=true].", source);

        // A silo must start, and keep running, while Redis is briefly away: fail single calls, never the connection.
        options.AbortOnConnectFail = false;
        options.ReconnectRetryPolicy = new LinearRetry((int)ReconnectInterval.TotalMilliseconds);
        options.ClientName ??= "orleans-scheduler";
        return options;
    }

    /// <summary>The shared multiplexer, connected on first use; <c>IsShared</c> tells the Orleans providers not to dispose it.</summary>
    public async Task<(IConnectionMultiplexer Multiplexer, bool IsShared)> GetAsync()
    {
        Task<ConnectionMultiplexer> connecting;
        lock (_lock)
        {
            if (_connecting is null || _connecting.IsFaulted || _connecting.IsCanceled) _connecting = ConnectAsync();
            connecting = _connecting;
        }
        return (await connecting.ConfigureAwait(false), true);
    }

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var started = _time.GetTimestamp();
        LogConnecting(_logger, _endpoints);
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(_options).ConfigureAwait(false);
        multiplexer.ConnectionFailed += OnConnectionFailed;
        multiplexer.ConnectionRestored += OnConnectionRestored;
        if (!multiplexer.IsConnected)
        {
            // Orleans fails the silo's start (and the process) when its first membership call times out, so a silo
            // started during an outage waits here for Redis instead, until the host is asked to stop.
            lock (_lock) _downSince ??= started;
            LogWaitingAtStart(_logger, _endpoints, ReconnectInterval.TotalSeconds);
            while (!multiplexer.IsConnected) await Task.Delay(StartupPollInterval, _time, _stopping).ConfigureAwait(false);
        }
        LogConnected(_logger, _endpoints, _time.GetElapsedTime(started).TotalMilliseconds);
        return multiplexer;
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType != ConnectionType.Interactive) return;
        bool first;
        lock (_lock)
        {
            first = _downSince is null;
            _downSince ??= _time.GetTimestamp();
        }
        // The failure type says enough (SocketClosed, UnableToConnect, AuthenticationFailure); the client's full
        // diagnostic text goes to the debug line.
        if (first) LogUnreachable(_logger, _endpoints, e.FailureType, ReconnectInterval.TotalSeconds);
        LogStillUnreachable(_logger, e.Exception, _endpoints, e.FailureType);
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType != ConnectionType.Interactive) return;
        long? since;
        lock (_lock)
        {
            since = _downSince;
            _downSince = null;
        }
        if (since is { } start) LogReachableAgain(_logger, _endpoints, _time.GetElapsedTime(start).TotalSeconds);
    }

    private static string Describe(ConfigurationOptions options) => string.Join(",", options.EndPoints.Select(e => e switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => e.ToString(),
    }));

    public async ValueTask DisposeAsync()
    {
        Task<ConnectionMultiplexer>? connecting;
        lock (_lock) connecting = _connecting;
        if (connecting is null || !connecting.IsCompletedSuccessfully) return;
        var multiplexer = connecting.Result;
        multiplexer.ConnectionFailed -= OnConnectionFailed;
        multiplexer.ConnectionRestored -= OnConnectionRestored;
        await multiplexer.CloseAsync().ConfigureAwait(false);
        await multiplexer.DisposeAsync().ConfigureAwait(false);
    }
}
