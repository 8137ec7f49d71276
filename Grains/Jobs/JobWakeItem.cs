using OrleansScheduler.Grains.Timing;

namespace OrleansScheduler.Grains.Jobs;

/// <summary>A job's entry in the silo's timing wheel: when it expires, the job is told to dispatch (a one-way call).</summary>
internal sealed class JobWakeItem(IJobGrain job, long armToken) : IPooledWheelItem, IThreadPoolWorkItem
{
    // The driver thread only hands off; the grain call is made from the thread pool.
    public void OnExpired() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    void IThreadPoolWorkItem.Execute() => Run();

    public void Run() => job.WakeAsync(armToken).Ignore();
}
