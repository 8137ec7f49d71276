using Microsoft.Extensions.Logging;
using OrleansScheduler.Execution;
using OrleansScheduler.Grains.Dispatch;

namespace OrleansScheduler.Grains.Workers;

/// <summary>
/// Sends outcomes back to their jobs a moment after they happen, in batches, so that reporting never sits between
/// two handler starts: when thousands of executions fall due on one instant, all of them start first and the
/// reports follow (one-way calls; a report lost with its silo costs history, never a run).
/// </summary>
public sealed class OutcomeReporter
{
    private static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(50);
    private readonly CoalescingPublisher<ExecutionOutcome> _publisher;
    private readonly JobGrainReferences _jobs;

    /// <summary>Creates the reporter; one per silo.</summary>
    public OutcomeReporter(JobGrainReferences jobs, ILogger<OutcomeReporter> logger)
    {
        _jobs = jobs;
        _publisher = new CoalescingPublisher<ExecutionOutcome>("outcome reports", batch =>
        {
            foreach (var outcome in batch) jobs.Job(outcome.JobId).ReportOutcomeAsync(outcome).Ignore();
            return Task.CompletedTask;
        }, maxBatch: 10_000, maxQueued: 1_000_000, Linger, logger);
    }

    /// <summary>Queues <paramref name="outcome"/> for its job; returns at once.</summary>
    public void Report(ExecutionOutcome outcome) => _publisher.Enqueue(outcome);

    /// <summary>Tells the job that a redelivered occurrence had already finished here (rare: no batching).</summary>
    public void Acknowledge(Execution.Execution execution) =>
        _jobs.Job(execution.JobId).AcknowledgeAsync(execution.ScheduledAt, execution.JobVersion).Ignore();
}
