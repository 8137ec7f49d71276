using OrleansScheduler.Benchmarks.Load.Targets;

namespace OrleansScheduler.Benchmarks.Load.Harness;

/// <summary>Names the targets a run can compare.</summary>
public static class TargetFactory
{
    /// <summary>Targets run by <c>--target all</c> for a scenario (DurableJobs only does one-shots).</summary>
    public static IReadOnlyList<string> All(string scenario) => scenario switch
    {
        "burst" => ["ours", "quartz-default", "quartz-tuned", "quartz-batch", "durablejobs"],
        "smoke" => ["ours"],
        _ => ["ours", "quartz-default", "quartz-tuned", "quartz-batch"],
    };

    public static ITarget Create(string name, BenchOptions options) => name switch
    {
        "ours" => new OursTarget(options.Settings),
        "quartz-default" => QuartzTarget.Default(),
        "quartz-tuned" => QuartzTarget.Tuned(),
        "quartz-batch" => QuartzTarget.Batch(),
        "durablejobs" => new DurableJobsTarget(options.Settings),
        _ => throw new ArgumentException($"--target: unknown '{name}'; known: ours, quartz-default, quartz-tuned, quartz-batch, durablejobs"),
    };
}
