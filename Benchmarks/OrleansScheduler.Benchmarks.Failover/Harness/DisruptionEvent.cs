namespace OrleansScheduler.Benchmarks.Failover.Harness;

/// <summary>A kill -9 of a scheduler process, or a restart of the store, as the runner did it.</summary>
/// <param name="Kind"><c>kill</c> or <c>store restart</c>.</param>
/// <param name="Node">Slot killed (-1 for the store).</param>
/// <param name="Pid">Process killed (0 for the store).</param>
/// <param name="Ticks">When (UTC ticks).</param>
/// <param name="DeclaredDeadTicks">When the cluster declared the killed process dead, if it did.</param>
/// <param name="UpTicks">Store restart: when it answered again.</param>
public sealed record DisruptionEvent(string Kind, int Node, int Pid, long Ticks, long? DeclaredDeadTicks = null, long? UpTicks = null);
