namespace OrleansScheduler.Grains.Handlers;

/// <summary>What a handler knows about the execution it runs.</summary>
public sealed class JobContext
{
    internal JobContext(Execution.Execution execution, DateTimeOffset startedAt)
    {
        Execution = execution;
        StartedAt = startedAt;
    }

    /// <summary>The execution as dispatched.</summary>
    public Execution.Execution Execution { get; }

    /// <summary>The job's id.</summary>
    public string JobId => Execution.JobId;

    /// <summary>Deterministic id (job id + scheduled instant); retries and redeliveries keep it, so de-duplicate on it.</summary>
    public string ExecutionId => Execution.ExecutionId;

    /// <summary>The instant the occurrence was due.</summary>
    public DateTimeOffset ScheduledAt => Execution.ScheduledAt;

    /// <summary>When this attempt started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>1 for the first attempt.</summary>
    public int Attempt => Execution.Attempt;

    /// <summary>The job's payload text, or null.</summary>
    public string? Payload => Execution.Payload;
}
