namespace OrleansScheduler.Grains.Timing;

/// <summary>
/// Something the silo's timing wheel fires when its due time has come.
/// </summary>
/// <remarks>
/// <see cref="OnExpired"/> runs on the single wheel driver thread, so it must return within microseconds:
/// queue the real work elsewhere (a grain call, <c>IGrainContext.Scheduler.QueueAction</c>, a channel) and return.
/// A slow or blocking implementation delays every other entry due after it.
/// </remarks>
public interface IWheelItem
{
    /// <summary>
    /// Called once, on the wheel driver thread, no earlier than the due time the item was scheduled for.
    /// Never called for a cancelled entry. Exceptions are logged by the driver and otherwise ignored.
    /// </summary>
    void OnExpired();
}

/// <summary>
/// A wheel item whose work runs on the thread pool. On the system clock the driver hands such items to pool threads
/// itself and <see cref="Run"/> is called there at the due time: many due at one instant go together, one lane per core
/// (a crowd, see <see cref="ITimingWheel.PendingRuns"/>), and the few one wake fires go on one lane. On an injected test
/// clock the item is fired through <see cref="IWheelItem.OnExpired"/>, which must hand it to the pool.
/// </summary>
public interface IPooledWheelItem : IWheelItem
{
    /// <summary>The item's work, on a pool thread, no earlier than its due time.</summary>
    void Run();
}
