using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrleansScheduler.Benchmarks.Load.Harness;
using OrleansScheduler.Grains;
using OrleansScheduler.Grains.Handlers;
using OrleansScheduler.Grains.Hosting;
using OrleansScheduler.Grains.Timing;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Benchmarks.Load.Targets;

/// <summary>OrleansScheduler: one silo in this process (the embedded default), jobs created through grain calls.</summary>
public sealed class OursTarget(IReadOnlyDictionary<string, string?> settings) : SiloTarget
{
    public override string Name => "orleans-scheduler";

    public override string Settings => settings.Count == 0 ? "defaults" : string.Join(" ", settings.Select(kv => $"{kv.Key}={kv.Value}"));

    public override Task StartAsync(LatencyRecorder recorder, CancellationToken cancellationToken) =>
        StartSiloAsync(
            host => host.Configuration.AddInMemoryCollection(settings),
            silo => silo.AddJobScheduler().UseInMemoryJobStore().AddJobHandler("bench", new BenchHandler(recorder)),
            cancellationToken);

    public override Task CreateAsync(IReadOnlyList<BenchJob> jobs, IProgress<int> progress, CancellationToken cancellationToken)
    {
        var grains = new JobGrainReferences(Services.GetRequiredService<IGrainFactory>());
        return CreateAllAsync(jobs, progress, (job, _) => grains.Job(job.Id).CreateAsync(Definition(job), upsert: false), cancellationToken);
    }

    /// <summary>Live entries in the silo's timing wheel.</summary>
    public int WheelEntries => Services.GetRequiredService<ITimingWheel>().Count;

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
