namespace OrleansScheduler.Benchmarks.Load.Harness;

/// <summary>A scheduler under test: ours, Quartz.NET in-memory, or Orleans DurableJobs, in this process.</summary>
public interface ITarget : IAsyncDisposable
{
    /// <summary>Short name printed in the tables, e.g. <c>orleans-scheduler</c>, <c>quartz-default</c>.</summary>
    string Name { get; }

    /// <summary>Settings worth printing beside the results (thread pool size, lead, ...).</summary>
    string Settings { get; }

    /// <summary>Starts the scheduler; its no-op handler reports every run to <paramref name="recorder"/> as its first action.</summary>
    Task StartAsync(LatencyRecorder recorder, CancellationToken cancellationToken);

    /// <summary>Schedules <paramref name="jobs"/> (as fast as the target allows) and returns when all are accepted.</summary>
    Task CreateAsync(IReadOnlyList<BenchJob> jobs, IProgress<int> progress, CancellationToken cancellationToken);

    /// <summary>Stops the scheduler; nothing runs after it returns.</summary>
    Task StopAsync();
}
