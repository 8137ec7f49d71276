namespace OrleansScheduler.Grains.Timing;

/// <summary>
/// The handle of one entry in a single-threaded <see cref="TimingWheel{T}"/>; pass it to
/// <see cref="TimingWheel{T}.Cancel"/>. Not thread-safe: only the wheel's owner thread may touch it.
/// </summary>
/// <typeparam name="T">The payload type.</typeparam>
public sealed class WheelEntry<T>
{
    internal WheelEntry(object owner, long dueTicks, long tick, long sequence, T item)
    {
        Owner = owner;
        DueTicks = dueTicks;
        Tick = tick;
        Sequence = sequence;
        Item = item;
    }

    /// <summary>The due time in UTC ticks (100 ns units), as scheduled.</summary>
    public long DueTicks { get; internal set; }

    /// <summary>The payload returned by <see cref="TimingWheel{T}.Advance"/> when the entry expires.</summary>
    public T Item { get; }

    /// <summary>True while the entry is in the wheel: neither expired nor cancelled.</summary>
    public bool IsPending => State == WheelEntryState.Pending;

    /// <summary>True once <see cref="TimingWheel{T}.Cancel"/> removed the entry before it expired.</summary>
    public bool IsCancelled => State == WheelEntryState.Cancelled;

    /// <summary>True once <see cref="TimingWheel{T}.Advance"/> returned the entry as expired.</summary>
    public bool IsExpired => State == WheelEntryState.Expired;

    internal object Owner { get; }

    /// <summary>The wheel tick the entry falls in, counted from the wheel's start (floor of due / tick duration).</summary>
    internal long Tick { get; set; }

    /// <summary>Insertion order, to keep entries with equal due times first-in first-out.</summary>
    internal long Sequence { get; set; }

    internal WheelEntryState State { get; set; }

    // Doubly linked bucket list: unlinking a cancelled entry is O(1).
    internal WheelBucket<T>? Bucket { get; set; }

    internal WheelEntry<T>? Previous { get; set; }

    internal WheelEntry<T>? Next { get; set; }

    /// <summary>True while the entry sits in the overflow heap (due beyond the top level's span).</summary>
    internal bool InOverflow { get; set; }
}

/// <summary>Life cycle of a <see cref="WheelEntry{T}"/>.</summary>
internal enum WheelEntryState
{
    Pending,
    Cancelled,
    Expired,
}
