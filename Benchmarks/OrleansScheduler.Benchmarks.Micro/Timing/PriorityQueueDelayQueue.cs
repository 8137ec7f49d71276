namespace OrleansScheduler.Benchmarks.Micro.Timing;

/// <summary>
/// The textbook delay queue the timing wheel is measured against: a binary min-heap keyed by due time
/// (<see cref="PriorityQueue{TElement, TPriority}"/>), O(log n) schedule, O(1) cancel, O(log n) per expiry.
/// Same surface as <c>TimingWheel&lt;T&gt;</c>: the caller owns time and passes it to <see cref="Advance"/>.
/// </summary>
/// <remarks>
/// <see cref="PriorityQueue{TElement, TPriority}"/> cannot remove an arbitrary element cheaply, so cancel is the usual
/// lazy flag: the entry stays in the heap (and keeps its memory) until it reaches the head, where it is dropped.
/// </remarks>
/// <typeparam name="T">The payload returned on expiry.</typeparam>
internal sealed class PriorityQueueDelayQueue<T>
{
    private readonly PriorityQueue<DelayQueueEntry<T>, long> _heap = new();

    /// <summary>Live entries: scheduled and neither expired nor cancelled.</summary>
    public int Count { get; private set; }

    /// <summary>Schedules <paramref name="item"/> for <paramref name="dueTicks"/> (UTC ticks); O(log n).</summary>
    public DelayQueueEntry<T> Schedule(long dueTicks, T item)
    {
        var entry = new DelayQueueEntry<T>(dueTicks, item);
        _heap.Enqueue(entry, dueTicks);
        Count++;
        return entry;
    }

    /// <summary>Flags a pending entry as cancelled in O(1); it is dropped when it surfaces.</summary>
    public bool Cancel(DelayQueueEntry<T> entry)
    {
        if (entry.IsCancelled || entry.IsExpired)
        {
            return false;
        }

        entry.IsCancelled = true;
        Count--;
        return true;
    }

    /// <summary>Appends to <paramref name="expired"/> every live entry due at or before <paramref name="nowTicks"/>, in due order.</summary>
    public void Advance(long nowTicks, List<T> expired)
    {
        while (_heap.TryPeek(out var entry, out var dueTicks) && dueTicks <= nowTicks)
        {
            _heap.Dequeue();
            if (entry.IsCancelled)
            {
                continue;
            }

            entry.IsExpired = true;
            Count--;
            expired.Add(entry.Item);
        }
    }
}
