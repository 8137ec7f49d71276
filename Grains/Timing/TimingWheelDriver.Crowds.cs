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
    private static readonly long LaneLeadTicks = TimeSpan.FromMilliseconds(1).Ticks;

    private long _crowds;

    /// <summary>Crowds handed to lanes since the driver started.</summary>
    internal long Crowds => Volatile.Read(ref _crowds);

    private void HandToLanes(List<WheelTimeout> collected, int from, int to, long dueTicks)
    {
        Interlocked.Increment(ref _crowds);
        var crowd = new Crowd(this, collected, from, to, dueTicks, Math.Max(1, Environment.ProcessorCount));
        for (var lane = 0; lane < crowd.Lanes; lane++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(crowd, preferLocal: false);
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
        private int _next;
        private int _lane;

        public Crowd(TimingWheelDriver driver, List<WheelTimeout> collected, int from, int to, long dueTicks, int lanes)
        {
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
            var pinned = LaneAffinity.Pin(Interlocked.Increment(ref _lane) - 1);
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
