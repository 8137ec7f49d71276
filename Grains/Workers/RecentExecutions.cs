namespace OrleansScheduler.Grains.Workers;

/// <summary>
/// The occurrences a silo took lately, for dropping redeliveries. Two generations of a hash set: the current one
/// takes new keys, the previous one is still consulted, and they rotate every <c>memory</c>, so a key is remembered
/// for between one and two of it at a fixed cost per key (no per-key timestamps, no sweeping).
/// </summary>
internal sealed class RecentExecutions(TimeSpan memory)
{
    private readonly Lock _lock = new();
    private HashSet<Key> _current = [];
    private HashSet<Key> _previous = [];
    private DateTimeOffset _rotatedAt = DateTimeOffset.MinValue;

    /// <summary>Remembers the occurrence; false when it was already remembered.</summary>
    public bool Add(string jobId, long scheduledTicks, long version, bool manual, DateTimeOffset now)
    {
        var key = new Key(jobId, scheduledTicks, version, manual);
        lock (_lock)
        {
            if (now - _rotatedAt >= memory)
            {
                (_previous, _current) = (_current, _previous);
                _current.Clear();
                _rotatedAt = now;
            }
            return !_previous.Contains(key) && _current.Add(key);
        }
    }

    // The version is part of the key: after an update the same instant of the new definition is a new occurrence.
    private readonly record struct Key(string JobId, long ScheduledTicks, long Version, bool Manual);
}
