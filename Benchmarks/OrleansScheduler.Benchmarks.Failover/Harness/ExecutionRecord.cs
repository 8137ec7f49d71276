namespace OrleansScheduler.Benchmarks.Failover.Harness;

/// <summary>One handler start as a scheduler process reported it: whose occurrence, when it was due, when it started, where.</summary>
/// <param name="Job">Job index (see <see cref="Workload"/>).</param>
/// <param name="ScheduledTicks">The occurrence's scheduled instant, UTC ticks.</param>
/// <param name="StartTicks">When the handler started, UTC ticks (same machine clock as the harness).</param>
/// <param name="Node">Scheduler process slot, 0..N-1.</param>
/// <param name="Pid">Operating-system process id (a restarted slot gets a new one).</param>
public readonly record struct ExecutionRecord(int Job, long ScheduledTicks, long StartTicks, int Node, int Pid);
