namespace OrleansScheduler.Grains.Timing;

/// <summary>One slot of a <see cref="TimingWheel{T}"/> level: an intrusive doubly linked list of entries.</summary>
internal sealed class WheelBucket<T>
{
    public WheelBucket(int level) => Level = level;

    /// <summary>The wheel level this bucket belongs to (0 = finest).</summary>
    public int Level { get; }

    public WheelEntry<T>? Head { get; private set; }

    public int Count { get; private set; }

    public void Add(WheelEntry<T> entry)
    {
        entry.Bucket = this;
        entry.Previous = null;
        entry.Next = Head;
        if (Head is not null)
        {
            Head.Previous = entry;
        }

        Head = entry;
        Count++;
    }

    public void Remove(WheelEntry<T> entry)
    {
        if (entry.Previous is null)
        {
            Head = entry.Next;
        }
        else
        {
            entry.Previous.Next = entry.Next;
        }

        if (entry.Next is not null)
        {
            entry.Next.Previous = entry.Previous;
        }

        entry.Previous = null;
        entry.Next = null;
        entry.Bucket = null;
        Count--;
    }

    /// <summary>Empties the bucket and returns its former entries as a detached chain (linked by Next).</summary>
    public WheelEntry<T>? DetachAll()
    {
        var head = Head;
        Head = null;
        Count = 0;
        for (var e = head; e is not null; e = e.Next)
        {
            e.Bucket = null;
        }

        return head;
    }
}
