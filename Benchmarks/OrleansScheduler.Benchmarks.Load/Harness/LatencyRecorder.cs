using HdrHistogram;

namespace OrleansScheduler.Benchmarks.Load.Harness;

/// <summary>
/// What the no-op benchmark handlers report: for each run, whose occurrence it was, when it was due and when the
/// handler started. Counts runs inside a measurement window, duplicates (same job and instant twice), and
/// lateness (handler start − scheduled instant) in a high-dynamic-range histogram of microseconds.
/// </summary>
public sealed class LatencyRecorder
{
    // Sets of plain longs, each under its own lock: no object per run, so the recorder adds nothing for the collector to
    // trace or promote (a ConcurrentDictionary allocates a node per key, and every one of them would live through the
    // run). Handlers record as their first action on every core at once, so one set under one lock would have them
    // queue for it, and the queue would count as lateness of the handlers behind: runs go to a shard by job.
    private const int Shards = 64;
    private readonly SeenShard[] _seen = Enumerable.Range(0, Shards).Select(_ => new SeenShard()).ToArray();

    private sealed class SeenShard
    {
        public readonly Lock Gate = new();
        public readonly HashSet<long> Runs = [];
    }
    private readonly LongConcurrentHistogram _lateness = new(1, TimeSpan.FromMinutes(10).Ticks / 10, 3);
    private long _windowFromTicks = long.MaxValue;
    private long _windowToTicks = long.MaxValue;
    private long _executed;
    private long _duplicates;
    private long _early;
    private long _total;
    // Worst lateness (µs) per second of the window, by scheduled second: shows whether a tail is spread out or one stall.
    private long[] _worstPerSecond = [];
    // Earliest lateness (µs) per second: a second whose first start was late too was held up as a whole (a pause, a late
    // hand-over); one whose first start was on time had a long tail.
    private long[] _bestPerSecond = [];
    // Starts later than 1 ms, by second of the window and by tenth of the second they were due in: a tail spread evenly
    // over both is the start path's own cost; one bunched in a few seconds is a stall, one bunched in a phase is periodic work.
    private long[] _lateBySecond = [];
    private readonly long[] _lateByPhase = new long[10];
    private const long LateMicros = 1_000;

    /// <summary>
    /// Only occurrences scheduled inside [from, to) are counted. The set of seen runs is sized for
    /// <paramref name="expected"/> now: grown during the window, its arrays would be large-object allocations that
    /// trigger full collections in the process measured.
    /// </summary>
    public void SetWindow(DateTimeOffset from, DateTimeOffset to, long expected = 0)
    {
        var perShard = (int)Math.Min((expected + expected / 8) / Shards + 16, 50_000_000 / Shards);
        foreach (var shard in _seen)
        {
            lock (shard.Gate)
            {
                // Sized now, and every page of the set written once: fresh memory from the operating system costs a
                // page fault at its first touch, and the window's first second would pay for all of them, under the lock.
                shard.Runs.EnsureCapacity(perShard);
                if (shard.Runs.Count == 0)
                {
                    for (var i = 0; i < perShard; i++) shard.Runs.Add(-1 - i);
                    shard.Runs.Clear();
                }
            }
        }
        _lateness.RecordValue(1);
        _lateness.Reset();
        _worstPerSecond = new long[Math.Max(1, (int)Math.Ceiling((to - from).TotalSeconds))];
        _lateBySecond = new long[_worstPerSecond.Length];
        _bestPerSecond = new long[_worstPerSecond.Length];
        Array.Fill(_bestPerSecond, long.MaxValue);
        Volatile.Write(ref _windowToTicks, to.UtcTicks);
        Volatile.Write(ref _windowFromTicks, from.UtcTicks);
    }

    /// <summary>Called by a handler as its first action.</summary>
    public void Record(int jobIndex, DateTimeOffset scheduledAt, DateTimeOffset startedAt)
    {
        Interlocked.Increment(ref _total);
        var scheduled = scheduledAt.UtcTicks;
        if (scheduled < Volatile.Read(ref _windowFromTicks) || scheduled >= Volatile.Read(ref _windowToTicks)) return;
        // Key: job index and scheduled millisecond (occurrences of one job are ≥ 10 ms apart).
        var key = ((long)jobIndex << 40) | ((scheduled / TimeSpan.TicksPerMillisecond) & ((1L << 40) - 1));
        bool first;
        var shard = _seen[jobIndex & (Shards - 1)];
        lock (shard.Gate) first = shard.Runs.Add(key);
        if (!first)
        {
            Interlocked.Increment(ref _duplicates);
            return;
        }
        Interlocked.Increment(ref _executed);
        var lateTicks = startedAt.UtcTicks - scheduled;
        if (lateTicks < 0)
        {
            Interlocked.Increment(ref _early);
            lateTicks = 0;
        }
        var micros = Math.Max(1, lateTicks / 10);
        _lateness.RecordValue(micros);
        var worst = _worstPerSecond;
        var second = (int)((scheduled - Volatile.Read(ref _windowFromTicks)) / TimeSpan.TicksPerSecond);
        if (micros > LateMicros)
        {
            Interlocked.Increment(ref _lateByPhase[(int)(scheduled % TimeSpan.TicksPerSecond / (TimeSpan.TicksPerSecond / 10))]);
            if ((uint)second < (uint)_lateBySecond.Length) Interlocked.Increment(ref _lateBySecond[second]);
        }
        if ((uint)second < (uint)worst.Length)
        {
            long seen;
            while (micros > (seen = Volatile.Read(ref worst[second])) && Interlocked.CompareExchange(ref worst[second], micros, seen) != seen) { }
            var best = _bestPerSecond;
            while (micros < (seen = Volatile.Read(ref best[second])) && Interlocked.CompareExchange(ref best[second], micros, seen) != seen) { }
        }
    }

    /// <summary>Runs reported in total, inside the window or not.</summary>
    public long Total => Interlocked.Read(ref _total);

    /// <summary>Distinct occurrences inside the window that ran.</summary>
    public long Executed => Interlocked.Read(ref _executed);

    /// <summary>Runs of an occurrence that had already run.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Runs that started before their instant (counted as 0 lateness).</summary>
    public long Early => Interlocked.Read(ref _early);

    /// <summary>Lateness percentile in milliseconds.</summary>
    public double LatenessMs(double percentile) => _lateness.TotalCount == 0 ? double.NaN : _lateness.GetValueAtPercentile(percentile) / 1000.0;

    /// <summary>Largest lateness in milliseconds.</summary>
    public double MaxLatenessMs => _lateness.TotalCount == 0 ? double.NaN : _lateness.GetMaxValue() / 1000.0;

    /// <summary>The <paramref name="count"/> seconds of the window with the latest start, as "+Ns: ms" (offset from the window's start).</summary>
    public string WorstSeconds(int count) => string.Join(", ", _worstPerSecond
        .Select((micros, second) => (micros, second)).OrderByDescending(w => w.micros).Take(count)
        .Select(w => $"+{w.second}s: {w.micros / 1000.0:0.0} ms (first {_bestPerSecond[w.second] / 1000.0:0.0})"));

    /// <summary>Starts later than 1 ms: per tenth of the second they were due in, and per second of the window.</summary>
    public string LateSpread() =>
        $"later than 1 ms by tenth of the second: {string.Join(" ", _lateByPhase)}; by second of the window: {string.Join(" ", _lateBySecond)}";

    /// <summary>Lateness distribution: (percentile, ms) pairs for plotting.</summary>
    public IReadOnlyList<LatencyPoint> Distribution()
    {
        var points = new List<LatencyPoint>();
        if (_lateness.TotalCount == 0) return points;
        foreach (var p in new[] { 0.0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100 })
            points.Add(new LatencyPoint(p, _lateness.GetValueAtPercentile(p) / 1000.0));
        return points;
    }
}
