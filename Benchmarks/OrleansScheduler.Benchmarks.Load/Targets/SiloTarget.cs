using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansScheduler.Benchmarks.Load.Harness;

namespace OrleansScheduler.Benchmarks.Load.Targets;

/// <summary>A target that runs one Orleans silo in this process (ours, DurableJobs): host lifetime and job creation.</summary>
public abstract class SiloTarget : ITarget
{
    private IHost? _host;

    public abstract string Name { get; }

    public abstract string Settings { get; }

    protected IServiceProvider Services => _host?.Services ?? throw new InvalidOperationException($"{Name}: call StartAsync first.");

    protected bool Started => _host is not null;

    public abstract Task StartAsync(LatencyRecorder recorder, CancellationToken cancellationToken);

    public abstract Task CreateAsync(IReadOnlyList<BenchJob> jobs, IProgress<int> progress, CancellationToken cancellationToken);

    /// <summary>Starts a silo on free loopback ports, configured by <paramref name="configureHost"/> and <paramref name="configureSilo"/>.</summary>
    protected async Task StartSiloAsync(Action<HostApplicationBuilder> configureHost, Action<ISiloBuilder> configureSilo, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans", LogLevel.Error);
        configureHost(builder);
        var siloPort = FreePort();
        var gatewayPort = FreePort();
        builder.UseOrleans(silo => configureSilo(silo.UseLocalhostClustering(siloPort, gatewayPort)));
        _host = builder.Build();
        await _host.StartAsync(cancellationToken);
    }

    /// <summary>Creates every job with 256 requests in flight, reporting progress every 1,000.</summary>
    protected static async Task CreateAllAsync(IReadOnlyList<BenchJob> jobs, IProgress<int> progress, Func<BenchJob, CancellationToken, Task> create, CancellationToken cancellationToken)
    {
        var done = 0;
        await Parallel.ForEachAsync(jobs, new ParallelOptions { MaxDegreeOfParallelism = 256, CancellationToken = cancellationToken }, async (job, ct) =>
        {
            await create(job, ct);
            var n = Interlocked.Increment(ref done);
            if (n % 1000 == 0) progress.Report(n);
        });
        progress.Report(done);
    }

    public async Task StopAsync()
    {
        if (_host is not null) await _host.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await StopAsync();
            _host.Dispose();
            _host = null;
        }
        GC.SuppressFinalize(this);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
