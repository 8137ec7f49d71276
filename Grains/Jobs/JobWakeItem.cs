using OrleansScheduler.Grains.Timing;

namespace OrleansScheduler.Grains.Jobs;

/// <summary>A job's entry in the silo's timing wheel: when it expires, the job is told to dispatch (a one-way call).</summary>
internal sealed class JobWakeItem(IJobGrain job, long armToken) : IPooledWheelItem, IThreadPoolWorkItem
{
    private long _armToken = armToken;

    /// <summary>
    /// The token the next firing carries. The job sets it before it re-arms the entry, which it does only once the last
    /// firing has made its call (the call is how the job learns the entry is free).
    /// </summary>
    public long ArmToken
    {
        get => Volatile.Read(ref _armToken);
        set => Volatile.Write(ref _armToken, value);
    }

    // The driver thread only hands off; the grain call is made from the thread pool.
    public void OnExpired() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    void IThreadPoolWorkItem.Execute() => Run();

    public void Run() => job.WakeAsync(ArmToken).Ignore();
}
