using OrleansScheduler.Grains.Timing;

namespace OrleansScheduler.Grains.Workers;

/// <summary>An execution waiting in the silo's timing wheel for its instant; on expiry it moves to the thread pool.</summary>
internal sealed class PendingExecution(ExecutionRunner runner, Execution.Execution execution, LeasedSchedule? lease = null, bool remembered = true)
    : IWheelItem, IThreadPoolWorkItem
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
}
