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
/// objects with their strings. Here an outcome is a struct without references: the silo is an index into a table of
/// silo names shared by every job of this process, and an error (rare) is kept beside the ring, which is allocated only
/// when one comes. The collector neither scans the ring nor has a card to visit for each report written into it.
/// </remarks>
internal sealed class OutcomeHistory(int capacity)
{
    // Silo names are few: each gets an index once, for every job of this process (-1: no silo).
    private static readonly Lock SiloLock = new();
    private static readonly ConcurrentDictionary<string, int> SiloIndex = new(StringComparer.Ordinal);
    private static string[] _siloNames = [];
    private readonly Entry[] _ring = new Entry[Math.Max(0, capacity)];
    // The error of each slot, allocated with the first error.
    private string?[]? _errors;
    private int _start;
    private int _count;

    public int Count => _count;

    public void Add(ExecutionOutcome outcome) =>
        Put(outcome.ScheduledAt.UtcTicks, outcome.StartedAt.UtcTicks, outcome.FinishedAt.UtcTicks, outcome.JobVersion, outcome.Attempt,
            outcome.Status, outcome.IsFinal, outcome.Manual, outcome.Silo, outcome.Error);

    /// <summary>Adds what a lease report packed (see <see cref="OutcomePacker"/>); returns how many it held.</summary>
    public int AddPacked(byte[]? packed)
    {
        if (packed is not { Length: > 0 }) return 0;
        var outcomes = OutcomeUnpacker.Read(packed, static silo => silo);
        foreach (var o in outcomes) Put(o.ScheduledTicks, o.StartedTicks, o.FinishedTicks, o.JobVersion, o.Attempt, o.Status, o.IsFinal, o.Manual, o.Silo, o.Error);
        return outcomes.Count;
    }

    private void Put(long scheduled, long started, long finished, long version, int attempt, ExecutionStatus status, bool isFinal, bool manual,
        string? silo, string? error)
    {
        if (_ring.Length == 0) return;
        var slot = (_start + _count) % _ring.Length;
        _ring[slot] = new Entry(scheduled, started, finished, version, attempt, IndexOf(silo), (byte)status, isFinal, manual);
        if (error is not null) (_errors ??= new string?[_ring.Length])[slot] = error;
        else if (_errors is not null) _errors[slot] = null;
        if (_count < _ring.Length) _count++;
        else _start = (_start + 1) % _ring.Length;
    }

    private static int IndexOf(string? silo)
    {
        if (silo is null) return -1;
        if (SiloIndex.TryGetValue(silo, out var index)) return index;
        lock (SiloLock)
        {
            if (SiloIndex.TryGetValue(silo, out index)) return index;
            index = _siloNames.Length;
            // The name is readable at its index before the index is handed out.
            Volatile.Write(ref _siloNames, [.. _siloNames, silo]);
            SiloIndex[silo] = index;
            return index;
        }
    }

    private static string? SiloAt(int index) => index < 0 ? null : Volatile.Read(ref _siloNames)[index];

    public void Clear() => _start = _count = 0;

    /// <summary>The outcome <paramref name="index"/> places from the oldest.</summary>
    public ExecutionOutcome this[string jobId, int index]
    {
        get
        {
            var slot = (_start + index) % _ring.Length;
            var e = _ring[slot];
            return new PackedOutcome(jobId, e.ScheduledTicks, e.StartedTicks, e.FinishedTicks, e.Attempt, (ExecutionStatus)e.Status, e.IsFinal, e.Manual,
                SiloAt(e.Silo), e.Version, _errors?[slot]).ToOutcome();
        }
    }

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
            var slot = (_start + i) % _ring.Length;
            var e = _ring[slot];
            packer.Add(string.Empty, e.ScheduledTicks, e.StartedTicks, e.FinishedTicks, e.Attempt, (ExecutionStatus)e.Status, e.IsFinal, e.Manual,
                SiloAt(e.Silo), e.Version, _errors?[slot]);
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
            var silo = (flags & 4) != 0 ? reader.ReadString() : null;
            var error = (flags & 8) != 0 ? reader.ReadString() : null;
            Put(scheduled, started, finished, version, attempt, status, (flags & 1) != 0, (flags & 2) != 0, silo, error);
        }
    }

    // No reference in it: the collector skips the ring. Silo: an index into the silo names (-1: none); Status: an ExecutionStatus.
    private readonly record struct Entry(long ScheduledTicks, long StartedTicks, long FinishedTicks, long Version, int Attempt, int Silo,
        byte Status, bool IsFinal, bool Manual);
}
