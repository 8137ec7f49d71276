using System.Diagnostics.Tracing;

namespace OrleansScheduler.Benchmarks.Load.Harness;

/// <summary>
/// Records every garbage-collection pause of this process from the runtime's own events (suspend → restart), with the
/// generation collected, so a run can say how many collections of each generation it had and how long the longest were:
/// the GC pause is what a handler due in the middle of it waits. With <c>BENCH_ALLOC_TYPES=1</c> it also samples what
/// is allocated (the runtime's allocation tick, one per ~100 KB, names the type) and prints the types that took most.
/// </summary>
public sealed class GcPauses : EventListener
{
    private const int GcStart = 1;
    private const int GcEnd = 2;
    private const int RestartEnd = 3;
    private const int HeapStats = 4;
    private const int SuspendEnd = 8;
    private const int MarkWithType = 202;
    private readonly Dictionary<string, double> _markedMb = [];
    private const int SuspendBegin = 9;
    private const int AllocationTick = 10;
    private static readonly bool SampleAllocations = Environment.GetEnvironmentVariable("BENCH_ALLOC_TYPES") == "1";
    private readonly Dictionary<string, long> _allocatedBytes = [];
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly Lock _lock = new();
    private readonly List<(int Generation, double Ms, double SuspendMs, double CollectMs, double PromotedMb, DateTime At, bool Induced)> _pauses = [];
    private bool _induced;
    private int _reason;
    private DateTime _startedAt;
    private DateTime _suspendedAt;
    private DateTime _suspendEndedAt;
    private DateTime _gcStartedAt;
    private DateTime _gcEndedAt;
    private int _generation = -1;
    // Why each full collection ran and how (the runtime's GCStart reason and type), e.g. "AllocLarge/blocking".
    private readonly List<string> _fullCollections = [];
    private double _promotedMb;
    // Background collections run beside the program rather than pausing it, but take a core for their marking: when
    // each began (by its GC count) and how long it ran.
    private readonly Dictionary<long, DateTime> _backgroundStarted = [];
    private readonly List<(DateTime At, double Ms)> _background = [];
    private bool _recording;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, SampleAllocations ? EventLevel.Verbose : EventLevel.Informational, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        lock (_lock)
        {
            switch (e.EventId)
            {
                case SuspendBegin:
                    _suspendedAt = e.TimeStamp;
                    _generation = -1;
                    break;
                case MarkWithType when _recording && e.Payload is { Count: > 3 } mark:
                    // Payload: heap, CLR instance, root kind, bytes marked from it.
                    var kind = Convert.ToInt32(mark[2]) switch { 0 => "stack", 1 => "finalizer", 2 => "handles", 3 => "older", 4 => "sizedref", 5 => "overflow", var k => $"type{k}" };
                    _markedMb[kind] = _markedMb.GetValueOrDefault(kind) + Convert.ToDouble(mark[3]) / 1e6;
                    break;
                case AllocationTick when _recording && e.Payload is { Count: > 5 } tick:
                    var type = tick[5] as string ?? "?";
                    _allocatedBytes[type] = _allocatedBytes.GetValueOrDefault(type) + Convert.ToInt64(tick[3]);
                    break;
                case SuspendEnd:
                    _suspendEndedAt = e.TimeStamp;
                    break;
                case GcStart when e.Payload is { Count: > 1 } payload:
                    _generation = Convert.ToInt32(payload[1]);
                    _gcStartedAt = e.TimeStamp;
                    _reason = payload.Count > 2 ? Convert.ToInt32(payload[2]) : -1;
                    _induced = _reason is 1 or 7;
                    if (_recording && _generation == 2 && payload.Count > 3)
                    {
                        var reason = Convert.ToInt32(payload[2]) switch
                        {
                            0 => "AllocSmall", 1 => "Induced", 2 => "LowMemory", 3 => "Empty", 4 => "AllocLarge", 5 => "OutOfSpaceSOH",
                            6 => "OutOfSpaceLOH", 7 => "InducedNotForced", 8 => "Internal", 9 => "InducedLowMemory", var r => $"reason{r}",
                        };
                        var how = Convert.ToInt32(payload[3]) switch { 0 => "blocking", 1 => "background", 2 => "foreground", var t => $"type{t}" };
                        _fullCollections.Add($"{reason}/{how}");
                        if (Convert.ToInt32(payload[3]) == 1) _backgroundStarted[Convert.ToInt64(payload[0])] = e.TimeStamp;
                    }
                    break;
                case GcEnd when e.Payload is { Count: > 1 } ended:
                    _gcEndedAt = e.TimeStamp;
                    if (_backgroundStarted.Remove(Convert.ToInt64(ended[0]), out var began)) _background.Add((began, (e.TimeStamp - began).TotalMilliseconds));
                    break;
                case HeapStats when e.Payload is { Count: > 3 } stats:
                    // What this collection promoted out of gen0 and gen1 (the work a young collection copies).
                    _promotedMb = (Convert.ToDouble(stats[1]) + Convert.ToDouble(stats[3])) / 1e6;
                    break;
                case RestartEnd when _suspendedAt != default:
                    // A restart without a collection (a suspension for something else) is not a GC pause.
                    if (_recording && _generation >= 0) _pauses.Add((_generation, (e.TimeStamp - _suspendedAt).TotalMilliseconds,
                        (_suspendEndedAt - _suspendedAt).TotalMilliseconds, (_gcEndedAt - _gcStartedAt).TotalMilliseconds, _promotedMb, _suspendedAt, _induced));
                    _suspendedAt = default;
                    break;
            }
        }
    }

    /// <summary>Starts counting (pauses before it, during creation and warm-up, are not counted); times are printed from <paramref name="windowStart"/>.</summary>
    public void Start(DateTime windowStart)
    {
        lock (_lock)
        {
            _pauses.Clear();
            _fullCollections.Clear();
            _markedMb.Clear();
            _backgroundStarted.Clear();
            _background.Clear();
            _allocatedBytes.Clear();
            _recording = true;
            _startedAt = windowStart;
        }
    }

    /// <summary>
    /// One line: collections per generation, their median and longest pause. Pauses that began at or after
    /// <paramref name="windowEnd"/> are left out (called a little after the window, so that a pause which began inside
    /// it and ended after it is counted).
    /// </summary>
    public string Summary(DateTime? windowEnd = null)
    {
        lock (_lock)
        {
            _recording = false;
            if (windowEnd is { } end) _pauses.RemoveAll(p => p.At.ToUniversalTime() >= end);
            if (_pauses.Count == 0) return "no GC pauses recorded";
            var parts = _pauses.GroupBy(p => p.Generation).OrderBy(g => g.Key).Select(g =>
            {
                var ms = g.Select(p => p.Ms).Order().ToArray();
                var suspend = g.Select(p => p.SuspendMs).Order().ToArray();
                var collect = g.Select(p => p.CollectMs).Order().ToArray();
                var promoted = g.Select(p => p.PromotedMb).Order().ToArray();
                return $"gen{g.Key} ×{ms.Length} (median {ms[ms.Length / 2]:0.0} ms, longest {ms[^1]:0.0} ms; " +
                       $"suspending median {suspend[suspend.Length / 2]:0.0} ms, collecting median {collect[collect.Length / 2]:0.0} ms, promoted median {promoted[promoted.Length / 2]:0.0} MB)";
            });
            var allocated = _allocatedBytes.Count == 0 ? "" : "\n  allocated (sampled), top types: " + string.Join(", ",
                _allocatedBytes.OrderByDescending(kv => kv.Value).Take(25).Select(kv => $"{kv.Key} {kv.Value / 1e6:N0} MB"));
            var older = string.Join(" ", _pauses.Where(p => p.Generation >= 1)
                .Select(p => $"+{(p.At.ToUniversalTime() - _startedAt).TotalSeconds:0.0}s:{p.Ms:0}ms"));
            // The longest pauses with the millisecond of the wall-clock second they began in: a pause that begins just
            // before or at a whole second lands in the crowd of jobs due on the second.
            var longest = string.Join(" ", _pauses.Where(p => p.Ms >= 5 || (p.At.ToUniversalTime() - _startedAt).TotalSeconds < 10).OrderBy(p => p.At)
                .Select(p => $"+{(p.At.ToUniversalTime() - _startedAt).TotalSeconds:0.000}s:gen{p.Generation}{(p.Induced ? "i" : "")}:{p.Ms:0}ms"));
            var full = _fullCollections.Count == 0 ? "" : $"; full collections: {string.Join(", ", _fullCollections)}";
            return $"GC pauses: {string.Join(", ", parts)}; total {_pauses.Sum(p => p.Ms):N0} ms{full}; marked from roots: " +
                   string.Join(", ", _markedMb.Select(kv => $"{kv.Key} {kv.Value:N0} MB")) + allocated +
                   (older.Length == 0 ? "" : $"\n  gen1 and gen2 pauses (from the window's start): {older}") +
                   (longest.Length == 0 ? "" : $"\n  pauses in the first 10 s, and later ones of 5 ms or more (\"i\": induced; from the window's start, which was {_startedAt.Millisecond} ms past a whole second): {longest}") +
                   (_background.Count == 0 ? "" : "\n  background collections (beside the program, a core marking): " + string.Join(" ", _background
                       .Select(b => $"+{(b.At.ToUniversalTime() - _startedAt).TotalSeconds:0.000}s for {b.Ms:0} ms")));
        }
    }
}
