using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
public sealed class DurableJobsTarget(IReadOnlyDictionary<string, string?> settings) : SiloTarget
{
    private const string Section = "DurableJobs";

    public override string Name => "durablejobs";

    public override string Settings
    {
        get
        {
            var o = Started ? Services.GetRequiredService<IOptions<DurableJobsOptions>>().Value : BindOptions();
            var overrides = Overrides.Any() ? "; overrides: " + string.Join(" ", Overrides.Select(kv => $"{kv.Key}={kv.Value}")) : " (all defaults)";
            var slowStart = string.Create(CultureInfo.InvariantCulture, $"ConcurrencySlowStartEnabled={o.ConcurrencySlowStartEnabled} (initial {o.SlowStartInitialConcurrency}, doubling every {o.SlowStartInterval.TotalSeconds:0} s)");
            var shards = string.Create(CultureInfo.InvariantCulture, $"ShardDuration={o.ShardDuration}, ShardStripeCount={o.ShardStripeCount}, ShardBatchLingerDelay={o.ShardBatchLingerDelay.TotalMilliseconds:0} ms");
            return string.Create(CultureInfo.InvariantCulture,
                $"Microsoft.Orleans.DurableJobs 10.4.2-alpha.1, UseInMemoryDurableJobs, one silo; MaxConcurrentJobsPerSilo={o.MaxConcurrentJobsPerSilo}, {slowStart}, {shards}; one handler grain per job{overrides}");
        }
    }

    private IEnumerable<KeyValuePair<string, string?>> Overrides =>
        settings.Where(kv => kv.Key.StartsWith(Section + ":", StringComparison.OrdinalIgnoreCase));

    public override Task StartAsync(LatencyRecorder recorder, CancellationToken cancellationToken) =>
        StartSiloAsync(host =>
        {
            host.Configuration.AddInMemoryCollection(Overrides);
            host.Services.AddSingleton(recorder);
            host.Services.Configure<DurableJobsOptions>(host.Configuration.GetSection(Section));
        }, silo => silo.UseInMemoryDurableJobs(), cancellationToken);

    public override Task CreateAsync(IReadOnlyList<BenchJob> jobs, IProgress<int> progress, CancellationToken cancellationToken)
    {
        if (jobs.FirstOrDefault(j => j.Kind != BenchScheduleKind.Once) is { } recurring)
            throw new NotSupportedException($"durablejobs: job {recurring.Id} is {recurring.Kind}; Orleans DurableJobs only schedules one-shots, so run it with --scenario burst.");
        var grains = Services.GetRequiredService<IGrainFactory>();
        var manager = Services.GetRequiredService<ILocalDurableJobManager>();
        return CreateAllAsync(jobs, progress, (job, ct) => manager.ScheduleJobAsync(new ScheduleJobRequest
        {
            Target = grains.GetGrain<IDurableBenchJobGrain>(job.Id).GetGrainId(),
            JobName = job.Id,
            DueTime = job.FirstAt,
        }, ct), cancellationToken);
    }

    // What the silo will run with, for printing before it starts: the defaults with the --set overrides bound over them.
    private DurableJobsOptions BindOptions()
    {
        var options = new DurableJobsOptions();
        new ConfigurationBuilder().AddInMemoryCollection(Overrides).Build().GetSection(Section).Bind(options);
        return options;
    }
}
