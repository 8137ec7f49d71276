namespace OrleansScheduler.Execution;

/// <summary>Outcomes published together on the execution-event stream (one event per batch keeps the stream cheap at high rates).</summary>
[GenerateSerializer, Immutable, Alias("exec.ExecutionEventBatch")]
public sealed record ExecutionEventBatch([property: Id(0)] ExecutionOutcome[] Items);
