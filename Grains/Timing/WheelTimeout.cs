namespace OrleansScheduler.Grains.Timing;

/// <summary>
/// The handle of one entry in the silo's <see cref="ITimingWheel"/>: cancels it and tells how it ended.
/// </summary>
/// <remarks>
/// An entry ends exactly once, either expired (its <see cref="IWheelItem.OnExpired"/> was called) or cancelled;
/// the state flips with one compare-and-swap, so a <see cref="Cancel"/> racing the driver has a single winner.
/// </remarks>
public sealed class WheelTimeout
{
    private const int Pending = 0;
    private const int Cancelled = 1;
    private const int Expired = 2;

    private readonly Action<WheelTimeout>? _onCancelled;
    private int _state;

    internal WheelTimeout(DateTimeOffset dueAt, IWheelItem item, Action<WheelTimeout>? onCancelled)
    {
        DueAt = dueAt;
        Item = item;
        _onCancelled = onCancelled;
    }

    /// <summary>When the entry is due, as passed to <see cref="ITimingWheel.Schedule"/> (or <see cref="ITimingWheel.Reschedule"/>).</summary>
    public DateTimeOffset DueAt { get; private set; }

    /// <summary>The item fired when the entry expires.</summary>
    public IWheelItem Item { get; }

    /// <summary>True once <see cref="Cancel"/> has won: the item will never be fired.</summary>
    public bool IsCancelled => Volatile.Read(ref _state) == Cancelled;

    /// <summary>True once the driver has claimed the entry to fire it (set just before <see cref="IWheelItem.OnExpired"/>).</summary>
    public bool IsExpired => Volatile.Read(ref _state) == Expired;

    /// <summary>The driver-thread entry in the single-threaded wheel; null until the driver has taken it in.</summary>
    internal WheelEntry<WheelTimeout>? Entry { get; set; }

    /// <summary>The driver's entry of the last scheduling, kept so that a rescheduling reuses it.</summary>
    internal WheelEntry<WheelTimeout>? Node { get; set; }

    /// <summary>
    /// Cancels the entry if it has not expired yet. Thread-safe; the driver unlinks it lazily on its next wake.
    /// </summary>
    /// <returns>True when this call cancelled the entry; false when it had already expired or been cancelled.</returns>
    public bool Cancel()
    {
        if (Interlocked.CompareExchange(ref _state, Cancelled, Pending) != Pending)
        {
            return false;
        }

        _onCancelled?.Invoke(this);
        return true;
    }

    /// <summary>Makes an expired entry pending again, due at <paramref name="dueAt"/>; false unless it had expired.</summary>
    internal bool TryRearm(DateTimeOffset dueAt)
    {
        if (Volatile.Read(ref _state) != Expired) return false;
        DueAt = dueAt;
        return Interlocked.CompareExchange(ref _state, Pending, Expired) == Expired;
    }

    /// <summary>Claims the entry for firing; false when it was cancelled (or already fired).</summary>
    internal bool TryMarkExpired() => Interlocked.CompareExchange(ref _state, Expired, Pending) == Pending;
}
