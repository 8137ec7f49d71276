using OrleansScheduler.Execution;

namespace OrleansScheduler.Grains.Jobs;

/// <summary>
/// What a job grain keeps of its outcomes. Stored apart from <see cref="JobState"/> so the frequent watermark writes
/// stay a few hundred bytes, and written lazily (SchedulerOptions.HistoryFlushDelay).
/// </summary>
[GenerateSerializer, Alias("grains.JobHistoryState")]
public sealed class JobHistoryState
{
    /// <summary>Recent outcomes, oldest first, as versions before the packed form stored them (read, no longer written).</summary>
    [Id(0)] public List<ExecutionOutcome> History { get; set; } = [];

    /// <summary>Executions whose final attempt succeeded.</summary>
    [Id(1)] public long Succeeded { get; set; }

    /// <summary>Executions whose final attempt failed, timed out or found no handler.</summary>
    [Id(2)] public long Failed { get; set; }

    /// <summary>Recent outcomes, oldest first, in the fixed-width packed form of the fourth version (read, no longer written).</summary>
    [Id(3)] public byte[]? Packed { get; set; }

    /// <summary>Recent outcomes, oldest first, bounded by SchedulerOptions.HistorySize, packed by OutcomePacker without job ids.</summary>
    [Id(4)] public byte[]? Outcomes { get; set; }
}
