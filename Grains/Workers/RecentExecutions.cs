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
/// carried over at each rotation until it finishes. Split into shards by key, each with its own lock: every start and
/// every outcome passes here, thousands at the same instant on the second.
/// </summary>
internal sealed class RecentExecutions(TimeSpan memory)
{
    private const int ShardCount = 16;
    private readonly Shard[] _shards = [.. Enumerable.Range(0, ShardCount).Select(_ => new Shard())];
    // The generations rotate together: the first Add a memory after the last rotation starts a new generation, and each
    // shard catches up when it is next used.
    private long _generation;
    private long _rotatedAtTicks;

    /// <summary>Remembers the occurrence as taken, or says what is known of it already.</summary>
    public Delivery Add(Execution.Execution execution, DateTimeOffset now)
    {
        var rotatedAt = Volatile.Read(ref _rotatedAtTicks);
        if (now.UtcTicks - rotatedAt >= memory.Ticks && Interlocked.CompareExchange(ref _rotatedAtTicks, now.UtcTicks, rotatedAt) == rotatedAt)
            Interlocked.Increment(ref _generation);
        var key = Key.Of(execution);
        return ShardOf(key).Add(key, Volatile.Read(ref _generation));
    }

    /// <summary>Records that the occurrence reached its final outcome.</summary>
    public void Finished(Execution.Execution execution)
    {
        var key = Key.Of(execution);
        ShardOf(key).Finished(key, Volatile.Read(ref _generation));
    }

    private Shard ShardOf(in Key key) => _shards[(int)((key.IdHash ^ (ulong)key.ScheduledTicks) % ShardCount)];

    private sealed class Shard
    {
        private readonly Lock _lock = new();
        private Dictionary<Key, bool> _current = [];
        private Dictionary<Key, bool> _previous = [];
        private long _generation;

        public Delivery Add(Key key, long generation)
        {
            lock (_lock)
            {
                CatchUp(generation);
                if (_current.TryGetValue(key, out var done) || _previous.TryGetValue(key, out done)) return done ? Delivery.Done : Delivery.Pending;
                _current[key] = false;
                return Delivery.New;
            }
        }

        public void Finished(Key key, long generation)
        {
            lock (_lock)
            {
                CatchUp(generation);
                if (_current.ContainsKey(key)) _current[key] = true;
                else if (_previous.ContainsKey(key)) _previous[key] = true;
            }
        }

        // The oldest generation goes, except what is still held or running: a redelivery of those must still be dropped,
        // however long the handler takes. Two rotations forget everything finished; more change nothing further.
        private void CatchUp(long generation)
        {
            for (var i = 0; i < Math.Min(2, generation - _generation); i++)
            {
                foreach (var (old, finished) in _previous)
                    if (!finished) _current.TryAdd(old, false);
                (_previous, _current) = (_current, _previous);
                _current.Clear();
            }
            if (generation > _generation) _generation = generation;
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
