using System.Collections.Concurrent;
using System.Text;
using OrleansScheduler.Execution;

namespace OrleansScheduler.Grains.Jobs;

/// <summary>
/// A job's recent outcomes as plain values in a ring (oldest first), stored packed into one byte array.
/// </summary>
/// <remarks>
/// A job activation lives long, so it is old to the garbage collector; with a list of outcome objects every report
/// added young objects to it (a card for the next young collection to scan) and every history write copied fifty
/// objects with their strings. Here an outcome is a struct whose only references are the silo's name (one shared
/// string per silo) and, rarely, an error; what callers get is built when they ask.
/// </remarks>
internal sealed class OutcomeHistory(int capacity)
{
    // Silo names are few: one string each, shared by every job of this process.
    private static readonly ConcurrentDictionary<string, string> Silos = new(StringComparer.Ordinal);
    private readonly Entry[] _ring = new Entry[Math.Max(0, capacity)];
    private int _start;
    private int _count;

    public int Count => _count;

    public void Add(ExecutionOutcome outcome)
    {
        if (_ring.Length == 0) return;
        var silo = outcome.Silo is null ? null : Silos.GetOrAdd(outcome.Silo, static s => s);
        var entry = new Entry(outcome.ScheduledAt.UtcTicks, outcome.StartedAt.UtcTicks, outcome.FinishedAt.UtcTicks, outcome.JobVersion,
            outcome.Attempt, outcome.Status, outcome.IsFinal, outcome.Manual, silo, outcome.Error);
        _ring[(_start + _count) % _ring.Length] = entry;
        if (_count < _ring.Length) _count++;
        else _start = (_start + 1) % _ring.Length;
    }

    /// <summary>Adds what a lease report packed (see <see cref="OutcomePacker"/>); returns how many it held.</summary>
    public int AddPacked(byte[]? packed)
    {
        if (packed is not { Length: > 0 }) return 0;
        var outcomes = OutcomeUnpacker.Read(packed, static silo => Silos.GetOrAdd(silo, static s => s));
        if (_ring.Length == 0) return outcomes.Count;
        foreach (var o in outcomes)
        {
            _ring[(_start + _count) % _ring.Length] = new Entry(o.ScheduledTicks, o.StartedTicks, o.FinishedTicks, o.JobVersion, o.Attempt,
                o.Status, o.IsFinal, o.Manual, o.Silo, o.Error);
            if (_count < _ring.Length) _count++;
            else _start = (_start + 1) % _ring.Length;
        }
        return outcomes.Count;
    }

    public void Clear() => _start = _count = 0;

    /// <summary>The outcome <paramref name="index"/> places from the oldest.</summary>
    public ExecutionOutcome this[string jobId, int index] => _ring[(_start + index) % _ring.Length].ToOutcome(jobId);

    /// <summary>The newest outcomes first, at most <paramref name="limit"/>.</summary>
    public List<ExecutionOutcome> NewestFirst(string jobId, int limit)
    {
        var take = Math.Min(Math.Max(0, limit), _count);
        var outcomes = new List<ExecutionOutcome>(take);
        for (var i = 0; i < take; i++) outcomes.Add(this[jobId, _count - 1 - i]);
        return outcomes;
    }

    // Packing is per activation turn, so one packer per thread serves every job (its buffer is reused).
    [ThreadStatic] private static OutcomePacker? _packer;

    /// <summary>The outcomes packed by <see cref="OutcomePacker"/> without the job id (a few dozen bytes each), or null when empty.</summary>
    public byte[]? Pack()
    {
        if (_count == 0) return null;
        var packer = _packer ??= new OutcomePacker();
        packer.Clear();
        for (var i = 0; i < _count; i++)
        {
            var e = _ring[(_start + i) % _ring.Length];
            packer.Add(string.Empty, e.ScheduledTicks, e.StartedTicks, e.FinishedTicks, e.Attempt, e.Status, e.IsFinal, e.Manual, e.Silo, e.Version, e.Error);
        }
        var packed = packer.ToArray();
        packer.Clear();
        return packed;
    }

    /// <summary>Loads what was stored: the packed form, or what older versions stored (an outcome list, a fixed-width packing).</summary>
    public void Load(byte[]? packed, byte[]? legacyPacked, IEnumerable<ExecutionOutcome> legacy)
    {
        Clear();
        foreach (var outcome in legacy) Add(outcome);
        LoadFixedWidth(legacyPacked);
        AddPacked(packed);
    }

    // The fourth version's form: a count, then per outcome three instants, the version, attempt and status at full width.
    private void LoadFixedWidth(byte[]? packed)
    {
        if (packed is not { Length: > 0 }) return;
        using var reader = new BinaryReader(new MemoryStream(packed), Encoding.UTF8);
        var count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var scheduled = reader.ReadInt64();
            var started = reader.ReadInt64();
            var finished = reader.ReadInt64();
            var version = reader.ReadInt64();
            var attempt = reader.ReadInt32();
            var status = (ExecutionStatus)reader.ReadInt32();
            var flags = reader.ReadByte();
            var silo = (flags & 4) != 0 ? Silos.GetOrAdd(reader.ReadString(), static s => s) : null;
            var error = (flags & 8) != 0 ? reader.ReadString() : null;
            if (_ring.Length == 0) continue;
            _ring[(_start + _count) % _ring.Length] = new Entry(scheduled, started, finished, version, attempt, status, (flags & 1) != 0, (flags & 2) != 0, silo, error);
            if (_count < _ring.Length) _count++;
            else _start = (_start + 1) % _ring.Length;
        }
    }

    private readonly record struct Entry(long ScheduledTicks, long StartedTicks, long FinishedTicks, long Version, int Attempt,
        ExecutionStatus Status, bool IsFinal, bool Manual, string? Silo, string? Error)
    {
        public ExecutionOutcome ToOutcome(string jobId) =>
            new PackedOutcome(jobId, ScheduledTicks, StartedTicks, FinishedTicks, Attempt, Status, IsFinal, Manual, Silo, Version, Error).ToOutcome();
    }
}
