namespace OrleansScheduler.Benchmarks.Micro.Timing;

/// <summary>The handle of one entry in a <see cref="PriorityQueueDelayQueue{T}"/>.</summary>
/// <typeparam name="T">The payload type.</typeparam>
internal sealed class DelayQueueEntry<T>(long dueTicks, T item)
{
    /// <summary>The due time in UTC ticks (100 ns units).</summary>
    public long DueTicks { get; } = dueTicks;

    /// <summary>The payload returned on expiry.</summary>
    public T Item { get; } = item;

    /// <summary>True once cancelled; the queue skips the entry when it reaches the head.</summary>
    public bool IsCancelled { get; set; }

    /// <summary>True once returned as expired.</summary>
    public bool IsExpired { get; set; }
}
