using BenchmarkDotNet.Attributes;
using OrleansScheduler.Grains.Hosting;
using OrleansScheduler.Grains.Timing;

namespace OrleansScheduler.Benchmarks.Micro.Timing;

/// <summary>
/// The workload shared by the timing benchmarks: <see cref="N"/> entries with due times spread uniformly (seeded) over
/// <see cref="Spread"/>, scheduled into a silo-shaped <see cref="TimingWheel{T}"/>, a <see cref="PriorityQueueDelayQueue{T}"/>
/// or one <see cref="System.Threading.Timer"/> each.
/// </summary>
/// <remarks>
/// Every invocation does <see cref="OpsPerInvoke"/> operations whatever <see cref="N"/> is: it fills
/// <c>OpsPerInvoke / N</c> independent structures of <see cref="N"/> entries each, one after the other, so each structure
/// is still exactly N entries big (and its working set that of N entries), while an iteration stays long enough to
/// time with one invocation and short enough that N = 1,000,000 finishes in well under a second. Structures are
/// built in <c>[IterationSetup]</c>, which BenchmarkDotNet neither times nor counts in allocations, so wheel
/// construction (4 x 512 buckets) is excluded: it happens once per silo.
/// </remarks>
public abstract class DelayQueueBenchmark
{
    /// <summary>Operations per invocation (entries scheduled, cancelled or expired); the per-op figures divide by it.</summary>
    protected const int OpsPerInvoke = 1_000_000;

    /// <summary>Due times are uniform in [start, start + Spread).</summary>
    protected static readonly TimeSpan Spread = TimeSpan.FromSeconds(60);

    /// <summary>Tick 0 of every wheel, and the clock at the start of every run (UTC ticks).</summary>
    protected static readonly long StartTicks = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;

    private static readonly WheelOptions Shape = new();

    /// <summary>Entries per structure.</summary>
    [Params(1_000, 100_000, 1_000_000)]
    public int N { get; set; }

    /// <summary>Structures filled per invocation: <c>OpsPerInvoke / N</c>.</summary>
    protected int Structures => OpsPerInvoke / N;

    /// <summary>Due time of entry i, UTC ticks.</summary>
    protected long[] DueTicks { get; private set; } = [];

    /// <summary>Payload of entry i; preallocated so payloads are not part of any structure's cost.</summary>
    protected object[] Items { get; private set; } = [];

    /// <summary>Builds the due times and payloads for <see cref="N"/>; call from <c>[GlobalSetup]</c>.</summary>
    protected void CreateWorkload()
    {
        var random = new Random(42);
        DueTicks = new long[N];
        Items = new object[N];
        for (var i = 0; i < N; i++)
        {
            DueTicks[i] = StartTicks + random.NextInt64(Spread.Ticks);
            Items[i] = new object();
        }
    }

    /// <summary>An empty wheel of the silo's default shape (<see cref="WheelOptions"/>: 1 ms ticks, 512 slots, 4 levels).</summary>
    protected static TimingWheel<object> NewWheel() => new(StartTicks, Shape.TickDuration, Shape.SlotsPerLevel, Shape.Levels);

    /// <summary><see cref="Structures"/> empty wheels.</summary>
    protected TimingWheel<object>[] NewWheels() => [.. Enumerable.Range(0, Structures).Select(_ => NewWheel())];

    /// <summary><see cref="Structures"/> empty heap-based delay queues (default capacity: growth is part of the cost).</summary>
    private protected PriorityQueueDelayQueue<object>[] NewQueues() =>
        [.. Enumerable.Range(0, Structures).Select(_ => new PriorityQueueDelayQueue<object>())];

    /// <summary>A due time far enough ahead (10 min + the entry's offset) that no timer fires while it is measured.</summary>
    protected TimeSpan FarDueTime(int i) => TimeSpan.FromMinutes(10) + TimeSpan.FromTicks(DueTicks[i] - StartTicks);

    /// <summary>The timers' callback; it never runs for far timers, and does nothing for the "due now" ones.</summary>
    protected static void NoOp(object? state)
    {
    }
}
