namespace OrleansScheduler.Execution;

/// <summary>
/// Executions travelling together in one stream event (several per event keeps the stream far from its event-rate limit).
/// All items belong to the same worker partition.
/// </summary>
[GenerateSerializer, Immutable, Alias("exec.ExecutionBatch")]
public sealed record ExecutionBatch([property: Id(0)] Execution[] Items);
