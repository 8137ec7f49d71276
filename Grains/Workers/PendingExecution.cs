using OrleansScheduler.Grains.Timing;

namespace OrleansScheduler.Grains.Workers;

/// <summary>An execution waiting in the silo's timing wheel for its instant; on expiry it moves to the thread pool.</summary>
internal sealed class PendingExecution(ExecutionRunner runner, Execution.Execution execution) : IWheelItem, IThreadPoolWorkItem
{
    public Execution.Execution Execution { get; } = execution;

    // Runs on the wheel's driver thread: only a hand-off, so the driver never waits on a handler.
    public void OnExpired() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    void IThreadPoolWorkItem.Execute() => runner.OnDue(this);
}
