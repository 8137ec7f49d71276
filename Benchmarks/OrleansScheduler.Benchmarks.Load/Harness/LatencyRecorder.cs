using HdrHistogram;

namespace OrleansScheduler.Benchmarks.Load.Harness;

/// <summary>
/// What the no-op benchmark handlers report: for each run, whose occurrence it was, when it was due and when the
/// handler started. Counts runs inside a measurement window, duplicates (same job and instant twice), and
/// lateness (handler start − scheduled instant) in a high-dynamic-range histogram of microseconds.
/// </summary>
public sealed class LatencyRecorder
{
    // A set of plain longs under a lock: no object per run, so the recorder adds nothing for the collector to trace or
    // promote (a ConcurrentDictionary allocates a node per key, and every one of them would live through the run).
    private readonly Lock _seenLock = new();
    private readonly HashSet<long> _seen = [];
    private readonly LongConcurrentHistogram _lateness = new(1, TimeSpan.FromMinutes(10).Ticks / 10, 3);
    private long _windowFromTicks = long.MaxValue;
    private long _windowToTicks = long.MaxValue;
    private long _executed;
    private long _duplicates;
    private long _early;
    private long _total;
    // Worst lateness (µs) per second of the window, by scheduled second: shows whether a tail is spread out or one stall.
    private long[] _worstPerSecond = [];
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
        lock (_seenLock) _seen.EnsureCapacity((int)Math.Min(expected + expected / 8, 50_000_000));
        _worstPerSecond = new long[Math.Max(1, (int)Math.Ceiling((to - from).TotalSeconds))];
        _lateBySecond = new long[_worstPerSecond.Length];
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
        lock (_seenLock) first = _seen.Add(key);
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
        .Select(w => $"+{w.second}s: {w.micros / 1000.0:0.0} ms"));

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
