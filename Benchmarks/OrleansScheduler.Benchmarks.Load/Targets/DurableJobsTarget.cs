using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.DurableJobs;
using Orleans.Hosting;
using OrleansScheduler.Benchmarks.Load.Harness;

namespace OrleansScheduler.Benchmarks.Load.Targets;

/// <summary>
/// Microsoft.Orleans.DurableJobs 10.4.2-alpha.1 with its in-memory store: one silo in this process, each job a one-shot
/// delivered to its own <see cref="DurableBenchJobGrain"/>. DurableJobs has no recurring jobs, so only
/// <see cref="BenchScheduleKind.Once"/> is accepted. Options are the shipped defaults unless overridden with
/// <c>--set DurableJobs:Name=Value</c>, e.g. <c>--set DurableJobs:ConcurrencySlowStartEnabled=false</c>.
/// </summary>
public sealed class DurableJobsTarget(IReadOnlyDictionary<string, string?> settings) : ITarget
{
    private const string Section = "DurableJobs";

    private IHost? _host;

    public string Name => "durablejobs";

    public string Settings
    {
        get
        {
            var o = _host?.Services.GetRequiredService<IOptions<DurableJobsOptions>>().Value ?? BindOptions();
            var overrides = Overrides.Any() ? "; overrides: " + string.Join(" ", Overrides.Select(kv => $"{kv.Key}={kv.Value}")) : " (all defaults)";
            var slowStart = string.Create(CultureInfo.InvariantCulture, $"ConcurrencySlowStartEnabled={o.ConcurrencySlowStartEnabled} (initial {o.SlowStartInitialConcurrency}, doubling every {o.SlowStartInterval.TotalSeconds:0} s)");
            var shards = string.Create(CultureInfo.InvariantCulture, $"ShardDuration={o.ShardDuration}, ShardStripeCount={o.ShardStripeCount}, ShardBatchLingerDelay={o.ShardBatchLingerDelay.TotalMilliseconds:0} ms");
            return string.Create(CultureInfo.InvariantCulture,
                $"Microsoft.Orleans.DurableJobs 10.4.2-alpha.1, UseInMemoryDurableJobs, one silo; MaxConcurrentJobsPerSilo={o.MaxConcurrentJobsPerSilo}, {slowStart}, {shards}; one handler grain per job{overrides}");
        }
    }

    private IEnumerable<KeyValuePair<string, string?>> Overrides =>
        settings.Where(kv => kv.Key.StartsWith(Section + ":", StringComparison.OrdinalIgnoreCase));

    public async Task StartAsync(LatencyRecorder recorder, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(Overrides);
        builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans", LogLevel.Error);
        builder.Services.AddSingleton(recorder);
        builder.Services.Configure<DurableJobsOptions>(builder.Configuration.GetSection(Section));
        var siloPort = FreePort();
        var gatewayPort = FreePort();
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(siloPort, gatewayPort)
            .UseInMemoryDurableJobs());
        _host = builder.Build();
        await _host.StartAsync(cancellationToken);
    }

    public async Task CreateAsync(IReadOnlyList<BenchJob> jobs, IProgress<int> progress, CancellationToken cancellationToken)
    {
        if (jobs.FirstOrDefault(j => j.Kind != BenchScheduleKind.Once) is { } recurring)
            throw new NotSupportedException($"durablejobs: job {recurring.Id} is {recurring.Kind}; Orleans DurableJobs only schedules one-shots, so run it with --scenario burst.");
        var services = _host?.Services ?? throw new InvalidOperationException("DurableJobsTarget: call StartAsync before CreateAsync.");
        var grains = services.GetRequiredService<IGrainFactory>();
        var manager = services.GetRequiredService<ILocalDurableJobManager>();
        var done = 0;
        await Parallel.ForEachAsync(jobs, new ParallelOptions { MaxDegreeOfParallelism = 256, CancellationToken = cancellationToken }, async (job, ct) =>
        {
            await manager.ScheduleJobAsync(new ScheduleJobRequest
            {
                Target = grains.GetGrain<IDurableBenchJobGrain>(job.Id).GetGrainId(),
                JobName = job.Id,
                DueTime = job.FirstAt,
            }, ct);
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
    }

    // What the silo will run with, for printing before it starts: the defaults with the --set overrides bound over them.
    private DurableJobsOptions BindOptions()
    {
        var options = new DurableJobsOptions();
        new ConfigurationBuilder().AddInMemoryCollection(Overrides).Build().GetSection(Section).Bind(options);
        return options;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
