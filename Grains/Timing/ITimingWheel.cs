namespace OrleansScheduler.Grains.Timing;

/// <summary>
/// The silo-wide timing wheel: fires <see cref="IWheelItem"/>s at their due time with millisecond precision.
/// </summary>
/// <remarks>
/// Implemented by <see cref="TimingWheelDriver"/> (a DI singleton). All members are thread-safe and never block.
/// Entries live only in this silo's memory: durable truth (what is due) stays in grain state.
/// </remarks>
public interface ITimingWheel
{
    /// <summary>
    /// Schedules <paramref name="item"/> to expire at <paramref name="dueAt"/>; a past or present due time fires
    /// on the next tick. Thread-safe, callable from any thread (grain turns included), never blocks.
    /// </summary>
    /// <param name="dueAt">When the item is due (any offset; compared in UTC). Precision: one tick (1 ms by default).</param>
    /// <param name="item">What to fire; its <see cref="IWheelItem.OnExpired"/> runs on the driver thread.</param>
    /// <returns>A handle that can cancel the entry and tells whether it expired.</returns>
    WheelTimeout Schedule(DateTimeOffset dueAt, IWheelItem item);

    /// <summary>
    /// Schedules an entry whose item has fired (<see cref="WheelTimeout.IsExpired"/>) again, due at
    /// <paramref name="dueAt"/>, reusing the entry: a timer that re-arms itself after each expiry allocates nothing.
    /// Only its owner may call it, and not while another call for the same entry runs. Thread-safe otherwise.
    /// </summary>
    /// <returns>False when the entry had not expired (pending or cancelled) or the wheel is stopping: nothing scheduled.</returns>
    bool Reschedule(WheelTimeout timeout, DateTimeOffset dueAt);

    /// <summary>Live entries: scheduled, neither expired nor cancelled (approximate while other threads schedule).</summary>
    int Count { get; }

    /// <summary>
    /// Items of crowds (many <see cref="IPooledWheelItem"/>s due at one instant) handed to pool threads that have not
    /// started yet: while it is above zero, work that can wait (recording outcomes) should let them go first.
    /// </summary>
    int PendingRuns { get; }
}
