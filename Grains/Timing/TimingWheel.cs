namespace OrleansScheduler.Grains.Timing;

/// <summary>
/// A pure, single-threaded hierarchical timing wheel over UTC ticks (100 ns units): O(1) schedule and cancel,
/// expiry in due order, never early. The caller owns time and passes it to <see cref="Advance"/>.
/// </summary>
/// <remarks>
/// <para>
/// Time is cut into wheel ticks of <c>tickDuration</c>, counted from <c>startTicks</c>. Level <c>k</c> has
/// <c>slotsPerLevel</c> (S) buckets, each <c>S^k</c> ticks wide, so it spans <c>S^(k+1)</c> ticks. An entry goes to
/// the finest level whose span, measured from the current tick's block, still reaches it; entries beyond the top
/// level wait in an overflow min-heap. Whenever the current tick enters a new level-<c>k</c> block, that block's
/// bucket is emptied and its entries re-inserted one level (or more) finer: the cascade. Entries are placed by the
/// floor of their tick and checked against the exact time, so an entry fires within the call to
/// <see cref="Advance"/> whose <c>now</c> first reaches its due time, and never before.
/// </para>
/// <para>Worked example: 1 ms ticks, S = 8, 3 levels, current tick 0.</para>
/// <code>
///   level 2  | 0..63 | 64..127 | 128.. | 192.. | 256..319 | ...  8 slots x 64 ms  (span 512 ms)
///   level 1  | 0..7  | 8..15   | 16..23| 24..31| ...              8 slots x  8 ms  (span  64 ms)
///   level 0  | 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 |                    8 slots x  1 ms  (span   8 ms)
///   overflow min-heap by due time: everything from 512 ms on (top block 8 and later)
///
///   Schedule(3.5 ms)  -> level 0 slot 3          fires in the Advance whose now reaches 3.5 ms
///   Schedule(20 ms)   -> level 1 slot 2 (20/8)   at tick 16 its bucket cascades to level 0 slot 4 (20 mod 8)
///   Schedule(300 ms)  -> level 2 slot 4 (300/64) at tick 256 it cascades to level 1 slot 5 (37 mod 8),
///                                                at tick 296 to level 0 slot 4, and fires at 300 ms
///   Schedule(1 s)     -> overflow                at tick 512 (top block 8 begins, 15 - 8 &lt; 8) it moves to
///                                                level 2 slot 7 (15 mod 8), then cascades down as above
///   Cancel(entry)     -> unlinked from its bucket at once (heap entries: flagged, dropped when they surface)
/// </code>
/// <para>
/// <see cref="Advance"/> jumps over empty stretches: with level 0 empty it moves straight to the next block
/// boundary of the finest non-empty level, so a long idle gap costs O(levels x slots), not one step per tick.
/// Levels whose blocks would exceed 2^62 ticks are not allocated (they could never be reached).
/// </para>
/// </remarks>
/// <typeparam name="T">The payload returned on expiry.</typeparam>
public sealed class TimingWheel<T>
{
    private readonly long _start;
    private readonly long _tickTicks;
    private readonly int _bits;
    private readonly long _slots;
    private readonly long _mask;
    private readonly int _topShift;
    private readonly WheelBucket<T>[][] _buckets;
    private readonly int[] _levelCounts;
    private readonly WheelOverflowHeap<T> _overflow = new();
    private readonly List<WheelEntry<T>> _fired = [];
    private long _current;
    private long _sequence;

    /// <summary>Creates an empty wheel whose tick 0 begins at <paramref name="startTicks"/>.</summary>
    /// <param name="startTicks">Start of tick 0, in UTC ticks (100 ns units), e.g. <c>DateTimeOffset.UtcTicks</c> of now.</param>
    /// <param name="tickDuration">Width of one level-0 slot; at least one tick (100 ns).</param>
    /// <param name="slotsPerLevel">Buckets per level: a power of two, at least 2.</param>
    /// <param name="levels">Number of levels, at least 1; levels beyond 2^62 ticks of reach are not allocated.</param>
    public TimingWheel(long startTicks, TimeSpan tickDuration, int slotsPerLevel, int levels)
    {
        if (tickDuration.Ticks <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(tickDuration), tickDuration, "tickDuration must be at least one tick (100 ns).");
        }

        if (slotsPerLevel < 2 || (slotsPerLevel & (slotsPerLevel - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(slotsPerLevel), slotsPerLevel, "slotsPerLevel must be a power of two >= 2, e.g. 512.");
        }

        if (levels < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(levels), levels, "levels must be >= 1, e.g. 4.");
        }

        _start = startTicks;
        _tickTicks = tickDuration.Ticks;
        _bits = System.Numerics.BitOperations.Log2((uint)slotsPerLevel);
        _slots = slotsPerLevel;
        _mask = slotsPerLevel - 1;
        var effectiveLevels = Math.Min(levels, (62 / _bits) + 1);
        _topShift = (effectiveLevels - 1) * _bits;
        _levelCounts = new int[effectiveLevels];
        _buckets = new WheelBucket<T>[effectiveLevels][];
        for (var level = 0; level < effectiveLevels; level++)
        {
            _buckets[level] = new WheelBucket<T>[slotsPerLevel];
            for (var slot = 0; slot < slotsPerLevel; slot++)
            {
                _buckets[level][slot] = new WheelBucket<T>(level);
            }
        }
    }

    /// <summary>Live entries: scheduled and neither expired nor cancelled.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// Schedules <paramref name="item"/> for <paramref name="dueTicks"/> (UTC ticks). O(1), except that an entry beyond
    /// the top level's span goes to the overflow heap (O(log n)). A due time at or before the last <c>now</c> passed to
    /// <see cref="Advance"/> fires on the next call.
    /// </summary>
    /// <returns>The handle to pass to <see cref="Cancel"/>.</returns>
    public WheelEntry<T> Schedule(long dueTicks, T item)
    {
        var entry = new WheelEntry<T>(this, dueTicks, Math.Max(TickOf(dueTicks), _current), _sequence++, item);
        Insert(entry);
        Count++;
        return entry;
    }

    /// <summary>
    /// Schedules an entry of this wheel that has expired again, for <paramref name="dueTicks"/>: the same object, so a
    /// recurring timer allocates nothing per round (and long-lived entries give the garbage collector no young objects
    /// to trace).
    /// </summary>
    /// <exception cref="ArgumentException">The entry belongs to another wheel.</exception>
    /// <exception cref="InvalidOperationException">The entry has not expired (it is pending or was cancelled).</exception>
    public WheelEntry<T> Reschedule(WheelEntry<T> entry, long dueTicks)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!ReferenceEquals(entry.Owner, this)) throw new ArgumentException("entry was scheduled on another TimingWheel.", nameof(entry));
        if (!entry.IsExpired) throw new InvalidOperationException($"only an expired entry can be scheduled again (this one is {entry.State}).");
        entry.DueTicks = dueTicks;
        entry.Tick = Math.Max(TickOf(dueTicks), _current);
        entry.Sequence = _sequence++;
        entry.State = WheelEntryState.Pending;
        entry.Previous = entry.Next = null;
        Insert(entry);
        Count++;
        return entry;
    }

    /// <summary>Cancels a pending entry of this wheel in O(1).</summary>
    /// <returns>True when this call cancelled the entry; false when it had already expired or been cancelled.</returns>
    /// <exception cref="ArgumentException">The entry belongs to another wheel.</exception>
    public bool Cancel(WheelEntry<T> entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!ReferenceEquals(entry.Owner, this))
        {
            throw new ArgumentException("entry was scheduled on another TimingWheel; cancel it there.", nameof(entry));
        }

        if (!entry.IsPending)
        {
            return false;
        }

        entry.State = WheelEntryState.Cancelled;
        Count--;
        if (entry.Bucket is { } bucket)
        {
            bucket.Remove(entry);
            _levelCounts[bucket.Level]--;
        }
        else if (entry.InOverflow)
        {
            // Lazy removal: the heap drops the entry when it surfaces, and compacts if garbage piles up.
            _overflow.OnCancelled();
        }

        return true;
    }

    /// <summary>
    /// Moves the wheel to <paramref name="nowTicks"/> (UTC ticks) and appends to <paramref name="expired"/> every live
    /// entry due at or before it, in non-decreasing due order (ties in scheduling order). Time never moves back: an
    /// earlier <paramref name="nowTicks"/> than the last one fires only entries due by then.
    /// </summary>
    public void Advance(long nowTicks, List<T> expired)
    {
        ArgumentNullException.ThrowIfNull(expired);
        var nowTick = TickOf(nowTicks);
        while (true)
        {
            FireCurrentTick(nowTicks, nowTick, expired);
            if (_current >= nowTick)
            {
                return;
            }

            _current = Math.Min(NextInterestingTick(), nowTick);
            Cascade();
        }
    }

    /// <summary>
    /// Gives the time (UTC ticks) by which the owner must call <see cref="Advance"/> again: exact for entries within
    /// level 0's span and in the overflow, otherwise the start of the earliest non-empty bucket. Never later than the
    /// earliest due entry. O(levels x slots) in the worst case.
    /// </summary>
    /// <returns>False (and <see cref="long.MaxValue"/>) when the wheel is empty.</returns>
    public bool TryGetNextDue(out long dueTicks)
    {
        dueTicks = long.MaxValue;
        if (Count == 0)
        {
            return false;
        }

        if (_levelCounts[0] > 0)
        {
            // Level 0 holds ticks [current, current + S) in slot order: the first non-empty slot has the minimum.
            for (long i = 0; i < _slots; i++)
            {
                var bucket = _buckets[0][(_current + i) & _mask];
                if (bucket.Count > 0)
                {
                    for (var e = bucket.Head; e is not null; e = e.Next)
                    {
                        dueTicks = Math.Min(dueTicks, e.DueTicks);
                    }

                    break;
                }
            }
        }

        for (var level = 1; level < _levelCounts.Length; level++)
        {
            if (_levelCounts[level] == 0)
            {
                continue;
            }

            var shift = level * _bits;
            var block = _current >> shift;
            for (long i = 1; i < _slots; i++)
            {
                if (_buckets[level][(block + i) & _mask].Count > 0)
                {
                    dueTicks = Math.Min(dueTicks, TimeOfTick((block + i) << shift));
                    break;
                }
            }
        }

        if (_overflow.Peek() is { } first)
        {
            dueTicks = Math.Min(dueTicks, first.DueTicks);
        }

        return true;
    }

    private long TickOf(long ticks) =>
        ticks < _start ? -1 : (long)(((ulong)ticks - (ulong)_start) / (ulong)_tickTicks);

    private long TimeOfTick(long tick) =>
        tick > (long.MaxValue - _start) / _tickTicks ? long.MaxValue : _start + (tick * _tickTicks);

    private static long NextBoundary(long tick, int shift)
    {
        var block = (tick >> shift) + 1;
        return block > (long.MaxValue >> shift) ? long.MaxValue : block << shift;
    }

    private void Insert(WheelEntry<T> entry)
    {
        var tick = entry.Tick;
        for (var level = 0; level < _levelCounts.Length; level++)
        {
            var shift = level * _bits;
            if ((tick >> shift) - (_current >> shift) < _slots)
            {
                _buckets[level][(tick >> shift) & _mask].Add(entry);
                _levelCounts[level]++;
                return;
            }
        }

        _overflow.Push(entry);
    }

    private void FireCurrentTick(long nowTicks, long nowTick, List<T> expired)
    {
        var bucket = _buckets[0][_current & _mask];
        if (bucket.Count == 0)
        {
            return;
        }

        // A tick before now's tick is over: all of it fires. Now's own tick fires only what is due by now.
        var wholeTick = _current < nowTick;
        for (var e = bucket.Head; e is not null;)
        {
            var next = e.Next;
            if (wholeTick || e.DueTicks <= nowTicks)
            {
                bucket.Remove(e);
                _levelCounts[0]--;
                e.State = WheelEntryState.Expired;
                Count--;
                _fired.Add(e);
            }

            e = next;
        }

        // Usually in order already (a bucket keeps scheduling order; cascaded entries may not be): sorting thousands of
        // entries due at one instant cost the driver a millisecond or more.
        if (_fired.Count > 1 && !InOrder(_fired))
        {
            _fired.Sort(static (a, b) => a.DueTicks != b.DueTicks ? a.DueTicks.CompareTo(b.DueTicks) : a.Sequence.CompareTo(b.Sequence));
        }

        foreach (var e in _fired)
        {
            expired.Add(e.Item);
        }

        _fired.Clear();
    }

    private static bool InOrder(List<WheelEntry<T>> entries)
    {
        for (var i = 1; i < entries.Count; i++)
        {
            var (a, b) = (entries[i - 1], entries[i]);
            if (a.DueTicks > b.DueTicks || (a.DueTicks == b.DueTicks && a.Sequence > b.Sequence))
            {
                return false;
            }
        }

        return true;
    }

    // The next tick at which something can happen; the caller caps it at now's tick. Skipping is safe because a
    // jump never passes a block boundary of the finest non-empty level (nor of any coarser one).
    private long NextInterestingTick()
    {
        if (_levelCounts[0] > 0)
        {
            return _current + 1;
        }

        for (var level = 1; level < _levelCounts.Length; level++)
        {
            if (_levelCounts[level] > 0)
            {
                return NextBoundary(_current, level * _bits);
            }
        }

        if (_overflow.Peek() is { } first)
        {
            var eligible = Math.Max(0, (first.Tick >> _topShift) - _slots + 1) << _topShift;
            return Math.Max(eligible, NextBoundary(_current, _topShift));
        }

        return long.MaxValue;
    }

    private void Cascade()
    {
        for (var level = _levelCounts.Length - 1; level >= 1; level--)
        {
            var shift = level * _bits;
            if ((_current & ((1L << shift) - 1)) != 0)
            {
                continue;
            }

            var bucket = _buckets[level][(_current >> shift) & _mask];
            _levelCounts[level] -= bucket.Count;
            for (var e = bucket.DetachAll(); e is not null;)
            {
                var next = e.Next;
                Insert(e);
                e = next;
            }
        }

        if ((_current & ((1L << _topShift) - 1)) == 0)
        {
            while (_overflow.Peek() is { } first && (first.Tick >> _topShift) - (_current >> _topShift) < _slots)
            {
                Insert(_overflow.Pop());
            }
        }
    }
}
