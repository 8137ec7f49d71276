using Orleans.DurableJobs;
using OrleansScheduler.Benchmarks.Load.Harness;

namespace OrleansScheduler.Benchmarks.Load.Targets;

/// <summary>The no-op DurableJobs handler: reports each run to the recorder (registered in the silo's services) and returns.</summary>
public sealed class DurableBenchJobGrain(LatencyRecorder recorder) : Grain, IDurableBenchJobGrain, IDurableJobHandler
{
    /// <inheritdoc />
    public Task ExecuteJobAsync(IJobRunContext context, CancellationToken attemptCancellationToken)
    {
        recorder.Record(BenchJob.IndexOf(context.Job.Name), context.Job.DueTime, DateTimeOffset.UtcNow);
        return Task.CompletedTask;
    }
}
