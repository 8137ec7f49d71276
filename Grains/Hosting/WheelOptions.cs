namespace OrleansScheduler.Grains.Hosting;

/// <summary>
/// Shape of the silo's timing wheel (<see cref="Timing.TimingWheelDriver"/>): tick width and levels.
/// Validated at startup by <see cref="WheelOptionsValidator"/>.
/// </summary>
/// <remarks>
/// The levels together span <c>TickDuration x SlotsPerLevel^Levels</c> (1 ms x 512^4, about 2.2 years, by default);
/// entries due later wait in an overflow heap, so any due time works.
/// </remarks>
public sealed class WheelOptions
{
    /// <summary>
    /// Width of one level-0 slot: the wheel's resolution. Default 1 ms; allowed 100 µs to 1 s.
    /// Entries fire at their exact due time when the driver is waiting for them; the tick bounds how far the
    /// driver's advance steps are quantized.
    /// </summary>
    public TimeSpan TickDuration { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Buckets per level. Default 512; must be a power of two from 2 to 65,536.</summary>
    public int SlotsPerLevel { get; set; } = 512;

    /// <summary>Number of hierarchy levels. Default 4; allowed 1 to 8.</summary>
    public int Levels { get; set; } = 4;

    /// <summary>
    /// The least time between two wakes of the driver thread on the system clock: entries due closer together than this
    /// fire together, up to this much late. Each wake costs about 20 µs of the driver's CPU and a thread-pool wake, so at
    /// 10,000 entries a second spread evenly a wake per entry would cost more than the entries. With 400 µs a wake fires
    /// four on average: 16–18 µs of CPU per execution all told and p99 0.6 ms late, against 24–27 µs and p99 0.5–0.9 ms
    /// with 200 µs (docs/benchmarks.md, ninth session). Zero wakes for every entry. Default 400 µs; allowed 0 to 10 ms. A
    /// driver on an injected test clock wakes for every entry.
    /// </summary>
    public TimeSpan MinWakeInterval { get; set; } = TimeSpan.FromMicroseconds(400);

    /// <summary>
    /// How long before they are due the driver takes entries out of the wheel on the system clock, to fire each from a
    /// list at its due time. Collecting and ordering 10,000 entries due at one instant takes the wheel 2–5 ms on a small
    /// machine: taken out ahead, the first of them fires on time instead of after that. An entry scheduled meanwhile
    /// for a time inside the stretch wakes the driver and joins the list. Zero collects at the due time. Default 50 ms;
    /// allowed 0 to 100 ms. A driver on an injected test clock collects at the due time.
    /// </summary>
    public TimeSpan CollectAhead { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Whether the driver has the runtime collect its young generation when it takes a crowd out of the wheel
    /// (<see cref="CollectAhead"/> before 256 or more executions due at one instant), if 4 MB or more were allocated
    /// since it last did. A collection that falls inside the crowd would stop all its starts for its pause; the crowd's
    /// own allocation makes that likely. Costs a young collection a crowd at most (1–2 ms here; docs/benchmarks.md).
    /// Default true. A driver on an injected test clock never collects.
    /// </summary>
    public bool CollectBeforeCrowds { get; set; } = true;
}
