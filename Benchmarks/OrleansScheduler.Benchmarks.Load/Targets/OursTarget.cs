using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrleansScheduler.Benchmarks.Load.Harness;
using OrleansScheduler.Client;
using OrleansScheduler.Grains;
using OrleansScheduler.Grains.Handlers;
using OrleansScheduler.Grains.Hosting;
using OrleansScheduler.Grains.Timing;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Benchmarks.Load.Targets;

/// <summary>OrleansScheduler: one silo in this process (the embedded default), jobs created through grain calls.</summary>
public sealed class OursTarget(IReadOnlyDictionary<string, string?> settings) : SiloTarget, IIdleProbe
{
    public override string Name => "orleans-scheduler";

    public override string Settings => settings.Count == 0 ? "defaults" : string.Join(" ", settings.Select(kv => $"{kv.Key}={kv.Value}"));

    public override Task StartAsync(LatencyRecorder recorder, CancellationToken cancellationToken) =>
        StartSiloAsync(
            host => host.Configuration.AddInMemoryCollection(settings),
            silo => silo.AddJobScheduler().UseInMemoryJobStore().AddJobHandler("bench", new BenchHandler(recorder)),
            cancellationToken);

    // Through the public bulk API (IJobScheduler.CreateManyAsync), as an application creating many jobs would.
    public override async Task CreateAsync(IReadOnlyList<BenchJob> jobs, IProgress<int> progress, CancellationToken cancellationToken)
    {
        var scheduler = new JobScheduler(Services.GetRequiredService<IClusterClient>());
        var result = await scheduler.CreateManyAsync(jobs.Select(Definition), progress: progress, cancellationToken: cancellationToken);
        if (result.Failed.Count > 0) throw new InvalidOperationException($"{result.Failed.Count} jobs were refused, e.g. {result.Failed[0].JobId}: {result.Failed[0].Error}");
    }

    /// <summary>What idle jobs hold: timing-wheel entries and job grain activations.</summary>
    public async Task<string> DescribeIdleAsync()
    {
        var wheel = Services.GetRequiredService<ITimingWheel>().Count;
        var management = Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var statistics = await management.GetSimpleGrainStatistics();
        var jobActivations = statistics.Where(s => s.GrainType.Contains("JobGrain", StringComparison.Ordinal) && !s.GrainType.Contains("Index", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
        return $"Timing-wheel entries: {wheel:N0}; job grain activations: {jobActivations:N0}.";
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

    private sealed class BenchHandler(LatencyRecorder recorder) : IJobHandler
    {
        public Task ExecuteAsync(JobContext context, CancellationToken cancellationToken)
        {
            recorder.Record(BenchJob.IndexOf(context.JobId), context.ScheduledAt, DateTimeOffset.UtcNow);
            return Task.CompletedTask;
        }
    }
}
