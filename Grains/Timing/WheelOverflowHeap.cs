namespace OrleansScheduler.Grains.Timing;

/// <summary>
/// Min-heap (by due time, then insertion order) of entries due beyond the span of a wheel's top level.
/// </summary>
/// <remarks>
/// Cancellation is lazy: a cancelled entry stays in the heap, is skipped when it reaches the top, and the heap is
/// compacted once garbage outweighs live entries, so cancelling stays O(1) amortized.
/// </remarks>
internal sealed class WheelOverflowHeap<T>
{
    private const int MinGarbageToCompact = 64;

    private readonly List<WheelEntry<T>> _items = [];
    private int _garbage;

    /// <summary>Entries in the heap, cancelled ones included.</summary>
    public int RawCount => _items.Count;

    public void Push(WheelEntry<T> entry)
    {
        entry.InOverflow = true;
        _items.Add(entry);
        SiftUp(_items.Count - 1);
    }

    /// <summary>Records that a heap entry was cancelled; compacts when garbage dominates.</summary>
    public void OnCancelled()
    {
        _garbage++;
        if (_garbage >= MinGarbageToCompact && _garbage * 2 > _items.Count)
        {
            _items.RemoveAll(e => !e.IsPending);
            _garbage = 0;
            for (var i = (_items.Count / 2) - 1; i >= 0; i--)
            {
                SiftDown(i);
            }
        }
    }

    /// <summary>The earliest live entry, dropping cancelled ones from the top; null when none.</summary>
    public WheelEntry<T>? Peek()
    {
        while (_items.Count > 0 && !_items[0].IsPending)
        {
            RemoveTop();
            _garbage--;
        }

        return _items.Count > 0 ? _items[0] : null;
    }

    /// <summary>Removes and returns the top entry (call after <see cref="Peek"/> returned it).</summary>
    public WheelEntry<T> Pop()
    {
        var top = _items[0];
        RemoveTop();
        top.InOverflow = false;
        return top;
    }

    private void RemoveTop()
    {
        var last = _items.Count - 1;
        _items[0] = _items[last];
        _items.RemoveAt(last);
        if (_items.Count > 0)
        {
            SiftDown(0);
        }
    }

    private static bool Less(WheelEntry<T> a, WheelEntry<T> b) =>
        a.DueTicks < b.DueTicks || (a.DueTicks == b.DueTicks && a.Sequence < b.Sequence);

    private void SiftUp(int i)
    {
        while (i > 0)
        {
            var parent = (i - 1) / 2;
            if (!Less(_items[i], _items[parent]))
            {
                break;
            }

            (_items[i], _items[parent]) = (_items[parent], _items[i]);
            i = parent;
        }
    }

    private void SiftDown(int i)
    {
        var n = _items.Count;
        while (true)
        {
            var left = (2 * i) + 1;
            if (left >= n)
            {
                break;
            }

            var smallest = left + 1 < n && Less(_items[left + 1], _items[left]) ? left + 1 : left;
            if (!Less(_items[smallest], _items[i]))
            {
                break;
            }

            (_items[i], _items[smallest]) = (_items[smallest], _items[i]);
            i = smallest;
        }
    }
}
