using OrleansScheduler.Grains.Timing;

namespace OrleansScheduler.Tests.Timing;

/// <summary>A wheel item that counts its firings, records the clock when fired and completes a task.</summary>
public sealed class RecordingWheelItem(TimeProvider time, Action? onExpired = null) : IWheelItem
{
    private readonly TaskCompletionSource<DateTimeOffset> _fired = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _fireCount;

    public int FireCount => Volatile.Read(ref _fireCount);

    /// <summary>Completes with the clock's time at the first firing.</summary>
    public Task<DateTimeOffset> Fired => _fired.Task;

    public void OnExpired()
    {
        Interlocked.Increment(ref _fireCount);
        _fired.TrySetResult(time.GetUtcNow());
        onExpired?.Invoke();
    }
}
