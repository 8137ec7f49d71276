namespace OrleansScheduler.Grains.Workers;

/// <summary>What a silo knows of an occurrence delivered to it again.</summary>
internal enum Delivery
{
    /// <summary>Not seen lately: take it.</summary>
    New,

    /// <summary>Taken and not finished: drop it; its outcome will report.</summary>
    Pending,

    /// <summary>Taken and finished: drop it, but tell the job (its outcome went to an earlier activation).</summary>
    Done,
}

/// <summary>
/// The occurrences a silo took lately, for dropping redeliveries. Two generations of a dictionary: the current one
/// takes new keys, the previous one is still consulted, and they rotate every <c>memory</c>, so a finished key is
/// remembered for between one and two of it at a fixed cost per key (no per-key timestamps); a key not yet finished is
/// carried over at each rotation until it finishes.
/// </summary>
internal sealed class RecentExecutions(TimeSpan memory)
{
    private readonly Lock _lock = new();
    private Dictionary<Key, bool> _current = [];
    private Dictionary<Key, bool> _previous = [];
    private DateTimeOffset _rotatedAt = DateTimeOffset.MinValue;

    /// <summary>Remembers the occurrence as taken, or says what is known of it already.</summary>
    public Delivery Add(Execution.Execution execution, DateTimeOffset now)
    {
        var key = Key.Of(execution);
        lock (_lock)
        {
            if (now - _rotatedAt >= memory)
            {
                // The oldest generation goes, except what is still held or running: a redelivery of those must still
                // be dropped, however long the handler takes.
                foreach (var (old, finished) in _previous)
                    if (!finished) _current.TryAdd(old, false);
                (_previous, _current) = (_current, _previous);
                _current.Clear();
                _rotatedAt = now;
            }
            if (_current.TryGetValue(key, out var done) || _previous.TryGetValue(key, out done)) return done ? Delivery.Done : Delivery.Pending;
            _current[key] = false;
            return Delivery.New;
        }
    }

    /// <summary>Records that the occurrence reached its final outcome.</summary>
    public void Finished(Execution.Execution execution)
    {
        var key = Key.Of(execution);
        lock (_lock)
        {
            if (_current.ContainsKey(key)) _current[key] = true;
            else if (_previous.ContainsKey(key)) _previous[key] = true;
        }
    }

    // The version is part of the key: after an update the same instant of the new definition is a new occurrence.
    // The job id enters as two independent 64-bit hashes rather than the string itself: the key holds no reference, so
    // the hundreds of thousands of keys a busy silo remembers cost the garbage collector nothing to trace, and a key does
    // not keep the delivered execution's id string alive for the whole memory.
    private readonly record struct Key(ulong IdHash, ulong IdHash2, long ScheduledTicks, long Version, bool Manual)
    {
        public static Key Of(Execution.Execution e) => new(StableHash.Of(e.JobId), SecondHash(e.JobId), e.ScheduledAt.UtcTicks, e.JobVersion, e.Manual);

        // Polynomial hash with another multiplier and the length mixed in: independent of FNV-1a for practical purposes.
        private static ulong SecondHash(string text)
        {
            var hash = (ulong)text.Length * 0x9E3779B97F4A7C15UL;
            foreach (var c in text) hash = (hash + c) * 0xC2B2AE3D27D4EB4FUL;
            return hash ^ (hash >> 29);
        }
    }
}
