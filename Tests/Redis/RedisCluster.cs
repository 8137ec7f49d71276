using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansScheduler.Client;
using OrleansScheduler.Tests.EndToEnd;

namespace OrleansScheduler.Tests.Redis;

/// <summary>Silo processes of one cluster on a Redis server, each the real silo executable on free loopback ports.</summary>
public sealed class RedisCluster : IAsyncDisposable
{
    private readonly List<SiloProcess> _silos = [];

    private readonly string[] _extraArgs;

    private RedisCluster(RedisServer redis, string clusterId, string serviceId, string[] extraArgs)
    {
        _extraArgs = extraArgs;
        Redis = redis;
        ClusterId = clusterId;
        ServiceId = serviceId;
    }

    public RedisServer Redis { get; }

    public string ClusterId { get; }

    public string ServiceId { get; }

    public IReadOnlyList<SiloProcess> Silos => _silos;

    /// <summary>Starts <paramref name="count"/> silos at once and waits until each has started.</summary>
    public static async Task<RedisCluster> StartAsync(RedisServer redis, int count, string clusterId, string serviceId = "scheduler-tests", params string[] extraArgs)
    {
        var cluster = new RedisCluster(redis, clusterId, serviceId, extraArgs);
        await cluster.AddSilosAsync(count);
        return cluster;
    }

    public async Task AddSilosAsync(int count)
    {
        var started = Enumerable.Range(0, count).Select(_ => SiloProcess.Start(
            ["--redis", Redis.ConnectionString, "--Silo:ClusterId", ClusterId, "--Silo:ServiceId", ServiceId, .. _extraArgs])).ToList();
        _silos.AddRange(started);
        await Task.WhenAll(started.Select(s => s.WaitForOutputAsync(o => o.Contains("Application started"), TimeSpan.FromSeconds(90))));
    }

    /// <summary>Stops every silo cleanly (SIGTERM), all at once; each must exit 0.</summary>
    public async Task<int[]> StopAsync() => await Task.WhenAll(_silos.Select(s => s.StopAsync(TimeSpan.FromSeconds(60))));

    /// <summary>A started host with the scheduler client connected to this cluster through Redis.</summary>
    public async Task<IHost> ConnectClientAsync()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.AddJobSchedulerClient(o =>
        {
            o.RedisConnectionString = Redis.ConnectionString;
            o.ClusterId = ClusterId;
            o.ServiceId = ServiceId;
            o.ConnectTimeout = TimeSpan.FromSeconds(30);
        });
        var host = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.StartAsync(timeout.Token);
        return host;
    }

    public string Output => string.Join("\n----\n", _silos.Select(s => s.Output));

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos) await silo.DisposeAsync();
    }
}

/// <summary>Redis tests run one at a time: each starts several silo processes on a 2-core machine.</summary>
[Xunit.CollectionDefinition(Name)]
public sealed class RedisCollection
{
    public const string Name = "Redis";
}

internal static class SchedulerHostExtensions
{
    public static IJobScheduler Scheduler(this IHost host) => host.Services.GetRequiredService<IJobScheduler>();

    /// <summary>Polls <paramref name="condition"/> until it holds; throws with <paramref name="describe"/>'s text when time runs out.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Exception? last = null;
            try
            {
                if (await condition().WaitAsync(TimeSpan.FromSeconds(15))) return;
            }
            catch (Exception e) when (e is TimeoutException or OrleansException or OperationCanceledException)
            {
                last = e; // a call during a failover or an outage may fail; the condition is asked again
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"condition not met within {timeout}{(last is null ? "" : $" (last error: {last.Message})")}:\n{describe()}");
            await Task.Delay(200);
        }
    }
}
