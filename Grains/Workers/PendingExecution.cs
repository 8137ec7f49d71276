using OrleansScheduler.Grains.Timing;

namespace OrleansScheduler.Grains.Workers;

/// <summary>An execution waiting in the silo's timing wheel for its instant; on expiry it moves to the thread pool.</summary>
internal sealed class PendingExecution(ExecutionRunner runner, Execution.Execution execution, LeasedSchedule? lease = null, bool remembered = true)
    : IPooledWheelItem, IThreadPoolWorkItem
{
    /// <summary>Whether the runner's de-duplication holds it (every delivered execution; a leased one only when its job may have sent it too).</summary>
    public bool Remembered { get; } = remembered;

    public Execution.Execution Execution { get; } = execution;

    /// <summary>The lease that fired it (its outcome is recorded there), or null for a delivered execution.</summary>
    public LeasedSchedule? Lease { get; } = lease;

    // Runs on the wheel's driver thread: only a hand-off, so the driver never waits on a handler.
    public void OnExpired()
    {
        runner.Handed();
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    void IThreadPoolWorkItem.Execute()
    {
        runner.Taken();
        runner.OnDue(this);
    }

    // In a crowd: the lane runs it at its instant.
    public void Run() => runner.OnDue(this);

    private Outcome _outcome;

    /// <summary>The attempt's outcome, kept until it is recorded (on a crowd's lane, by the outcome drain, or at once).</summary>
    public Outcome Kept => _outcome;

    /// <summary>Keeps the outcome of the attempt for <see cref="RecordOutcome"/> (a pending execution runs once).</summary>
    public void KeepOutcome(DateTimeOffset startedAt, DateTimeOffset finishedAt, Execution.ExecutionStatus status, string? error, bool isFinal) =>
        _outcome = new Outcome(startedAt.UtcTicks, finishedAt.UtcTicks, status, error, isFinal);

    /// <summary>Records the outcome kept by <see cref="KeepOutcome"/>.</summary>
    public void RecordOutcome() => runner.Record(this);

    // UTC ticks rather than DateTimeOffsets: every pending execution carries one.
    internal readonly record struct Outcome(long StartedTicks, long FinishedTicks, Execution.ExecutionStatus Status, string? Error, bool IsFinal)
    {
        public DateTimeOffset StartedAt => new(StartedTicks, TimeSpan.Zero);

        public DateTimeOffset FinishedAt => new(FinishedTicks, TimeSpan.Zero);
    }
}
