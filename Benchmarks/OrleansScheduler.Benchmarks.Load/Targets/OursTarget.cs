using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansScheduler.Benchmarks.Load.Harness;
using OrleansScheduler.Grains;
using OrleansScheduler.Grains.Handlers;
using OrleansScheduler.Grains.Hosting;
using OrleansScheduler.Grains.Timing;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Benchmarks.Load.Targets;

/// <summary>OrleansScheduler: one silo in this process (the embedded default), jobs created through grain calls.</summary>
public sealed class OursTarget(IReadOnlyDictionary<string, string?> settings) : ITarget
{
    private IHost? _host;

    public string Name => "orleans-scheduler";

    public string Settings => settings.Count == 0 ? "defaults" : string.Join(" ", settings.Select(kv => $"{kv.Key}={kv.Value}"));

    public IServiceProvider Services => _host?.Services ?? throw new InvalidOperationException("not started");

    public async Task StartAsync(LatencyRecorder recorder, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans", LogLevel.Error);
        var siloPort = FreePort();
        var gatewayPort = FreePort();
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(siloPort, gatewayPort)
            .AddJobScheduler()
            .UseInMemoryJobStore()
            .AddJobHandler("bench", new BenchHandler(recorder)));
        _host = builder.Build();
        await _host.StartAsync(cancellationToken);
    }

    public async Task CreateAsync(IReadOnlyList<BenchJob> jobs, IProgress<int> progress, CancellationToken cancellationToken)
    {
        var grains = new JobGrainReferences(Services.GetRequiredService<IGrainFactory>());
        var done = 0;
        await Parallel.ForEachAsync(jobs, new ParallelOptions { MaxDegreeOfParallelism = 256, CancellationToken = cancellationToken }, async (job, _) =>
        {
            await grains.Job(job.Id).CreateAsync(Definition(job), upsert: false);
            var n = Interlocked.Increment(ref done);
            if (n % 1000 == 0) progress.Report(n);
        });
        progress.Report(done);
    }

    /// <summary>Live entries in the silo's timing wheel.</summary>
    public int WheelEntries => Services.GetRequiredService<ITimingWheel>().Count;

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

    private static JobDefinition Definition(BenchJob job) => new()
    {
        Id = job.Id,
        Handler = "bench",
        Schedule = job.Kind switch
        {
            BenchScheduleKind.Interval => ScheduleSpec.Every(job.Period) with { StartAt = job.FirstAt },
            BenchScheduleKind.Cron => ScheduleSpec.Cron(job.Cron!),
            _ => ScheduleSpec.At(job.FirstAt),
        },
    };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class BenchHandler(LatencyRecorder recorder) : IJobHandler
    {
        public Task ExecuteAsync(JobContext context, CancellationToken cancellationToken)
        {
            recorder.Record(BenchJob.IndexOf(context.JobId), context.ScheduledAt, DateTimeOffset.UtcNow);
            return Task.CompletedTask;
        }
    }
}
