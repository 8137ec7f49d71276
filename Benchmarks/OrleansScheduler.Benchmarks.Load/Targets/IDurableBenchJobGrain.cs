namespace OrleansScheduler.Benchmarks.Load.Targets;

/// <summary>The grain a DurableJobs benchmark job is delivered to: one per job, keyed by <see cref="Harness.BenchJob.Id"/>.</summary>
/// <remarks>No methods of its own: DurableJobs reaches it through its grain extension, so it only needs an identity.</remarks>
public interface IDurableBenchJobGrain : IGrainWithStringKey;
