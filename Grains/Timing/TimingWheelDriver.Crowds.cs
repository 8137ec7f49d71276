namespace OrleansScheduler.Grains.Timing;

/// <content>
/// Crowds: many pool items due at one instant (10,000 jobs on the second). Handed to the pool one work item each, they
/// cost the driver a few hundred nanoseconds apiece while the pool thread it wakes waits for the driver's own core, and
/// the kernel queues the pool's threads on one core for milliseconds while the other stays idle. So the driver hands a
/// crowd over a little ahead of its instant as one shared list, and one lane per core, pinned to that core for the
/// crowd, waits for the instant on a pool thread and then takes items from the list in small chunks. Work the items
/// leave for later (recording outcomes, arming the next occurrence) waits in each lane until the crowd has started.
/// </content>
public sealed partial class TimingWheelDriver
{
    private const int CrowdSize = 256;
    // Most pool items one lane takes from a wake that fired more: the rest go to other lanes, on other cores.
    private const int SmallLane = 64;
    private static readonly long LaneLeadTicks = TimeSpan.FromMilliseconds(1).Ticks;

    // Below this much allocated since the driver's last collection before a crowd, it asks for none: the young
    // generation has room for a crowd's starts (about 1 KB each).
    private const long RoomWorthMaking = 4 << 20;
    private static readonly long RoomLeadTicks = TimeSpan.FromMilliseconds(10).Ticks;

    private long _crowds;
    private long _youngCollections;
    private long _roomMadeFor = long.MinValue;
    private long _allocatedAtLastCollection;

    /// <summary>Crowds handed to lanes since the driver started.</summary>
    internal long Crowds => Volatile.Read(ref _crowds);

    /// <summary>Young collections the driver asked for before crowds (<see cref="Hosting.WheelOptions.CollectBeforeCrowds"/>).</summary>
    internal long YoungCollections => Volatile.Read(ref _youngCollections);

    // A collection that falls inside a crowd stops all its starts for the length of the pause (2–30 ms here), and a
    // crowd's own allocation makes that likely: the young generation fills up while its starts run. So when the driver
    // takes a crowd out of the wheel, CollectAhead before its instant, it has the young generation collected then, once
    // per crowd, if enough was allocated since it last did (docs/benchmarks.md, ninth session). The crowd is noticed as it
    // is taken, not when it is next in line: behind other entries due before it, that would be just before its instant.
    // One noticed less than RoomLead ahead gets no collection: the pause would run into it.
    private void NoticeCrowds(List<WheelTimeout> taken, long now)
    {
        if (!_options.CollectBeforeCrowds || taken.Count < CrowdSize) return;
        for (var start = 0; start < taken.Count;)
        {
            var due = taken[start].DueAt.UtcTicks;
            var end = start + 1;
            while (end < taken.Count && taken[end].DueAt.UtcTicks == due) end++;
            if (end - start >= CrowdSize && due - now >= RoomLeadTicks) MakeRoomBefore(due);
            start = end;
        }
    }

    private void MakeRoomBefore(long dueTicks)
    {
        if (dueTicks == _roomMadeFor) return;
        _roomMadeFor = dueTicks;
        var allocated = GC.GetTotalAllocatedBytes();
        if (allocated - _allocatedAtLastCollection < RoomWorthMaking) return;
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        _allocatedAtLastCollection = GC.GetTotalAllocatedBytes();
        Interlocked.Increment(ref _youngCollections);
    }

    private void HandToLanes(List<WheelTimeout> collected, int from, int to, long dueTicks)
    {
        Interlocked.Increment(ref _crowds);
        var crowd = new Crowd(this, collected, from, to, dueTicks, Math.Max(1, Environment.ProcessorCount));
        for (var lane = 0; lane < crowd.Lanes; lane++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(crowd, preferLocal: false);
        }
    }

    // Pool items due by now that one wake of the driver fires (two or so at 10,000 a second spread over it): one lane
    // for them all, not pinned. One pool hand-off instead of one per item, and the work each item leaves for later
    // (arming its next occurrence, recording its outcome) is done on that lane after them instead of by a hand-off each.
    private void FireOnLane(List<WheelTimeout> collected, int from, int to)
    {
        while (from < to)
        {
            var end = Math.Min(to, from + SmallLane);
            ThreadPool.UnsafeQueueUserWorkItem(new Crowd(this, collected, from, end, dueTicks: long.MinValue, lanes: 1), preferLocal: false);
            from = end;
        }
    }

    private sealed class Crowd : IThreadPoolWorkItem
    {
        private const int Claim = 8;
        // The list is kept in pieces below the large object heap's 85,000 bytes.
        private const int PieceBits = 11;
        private const int PieceMask = (1 << PieceBits) - 1;
        private readonly TimingWheelDriver _driver;
        private readonly WheelTimeout[][] _pieces;
        private readonly int _count;
        private readonly long _dueTicks;
        private readonly bool _pin;
        private int _next;
        private int _lane;

        public Crowd(TimingWheelDriver driver, List<WheelTimeout> collected, int from, int to, long dueTicks, int lanes)
        {
            // One lane has no other to keep off its core (and one core has nothing to pin to).
            _pin = lanes > 1;
            _driver = driver;
            _count = to - from;
            _pieces = new WheelTimeout[(_count + PieceMask) >> PieceBits][];
            for (var p = 0; p < _pieces.Length; p++)
            {
                var start = from + (p << PieceBits);
                _pieces[p] = new WheelTimeout[Math.Min(PieceMask + 1, to - start)];
                collected.CopyTo(start, _pieces[p], 0, _pieces[p].Length);
            }

            _dueTicks = dueTicks;
            Lanes = lanes;
            Interlocked.Add(ref driver._pendingRuns, _count);
        }

        public int Lanes { get; }

        public void Execute()
        {
            var pinned = _pin ? LaneAffinity.Pin(Interlocked.Increment(ref _lane) - 1) : default;
            var time = _driver._time;
            var spin = new SpinWait();
            while (time.GetUtcNow().UtcTicks < _dueTicks) spin.SpinOnce(sleep1Threshold: -1);
            var fired = 0;
            var deferred = WheelLane.Enter();
            while (true)
            {
                var start = Interlocked.Add(ref _next, Claim) - Claim;
                // A stopping silo fires nothing more (Dispose), these included.
                if (start >= _count || _driver._disposed) break;

                var end = Math.Min(start + Claim, _count);
                Interlocked.Add(ref _driver._pendingRuns, start - end);
                for (var i = start; i < end; i++)
                {
                    var timeout = _pieces[i >> PieceBits][i & PieceMask];
                    timeout.Entry = null;
                    if (!timeout.TryMarkExpired()) continue;
                    fired++;
                    try
                    {
                        ((IPooledWheelItem)timeout.Item).Run();
                    }
                    catch (Exception ex)
                    {
                        LogItemFailed(_driver._logger, ex, timeout.Item.GetType().Name, timeout.DueAt);
                    }
                }
            }

            Interlocked.Add(ref _driver._count, -fired);
            WheelLane.Leave(deferred, _driver._logger);
            LaneAffinity.Release(ref pinned);
        }
    }
}
