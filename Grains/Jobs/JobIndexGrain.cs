using System.Text;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Grains.Jobs;

/// <summary>
/// What a listing shard persists: its rows packed into one byte array (see <see cref="JobIndexGrain.Pack"/>). Every write
/// stores the whole shard; packing is several times cheaper than the serializer's per-object work.
/// </summary>
[GenerateSerializer, Alias("grains.JobIndexState")]
public sealed class JobIndexState
{
    /// <summary>Rows by job id, as stored before rows were packed; read once and moved into <see cref="Packed"/>.</summary>
    [Id(0)] public Dictionary<string, JobSummary> Rows { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The packed rows; null when the shard is empty.</summary>
    [Id(1)] public byte[]? Packed { get; set; }
}

/// <summary>
/// One shard of the job listing. Rows change on create, update, pause, resume, completion and delete (never per
/// occurrence) and are written back after a short delay, so a burst of creations costs one write per shard.
/// </summary>
public sealed class JobIndexGrain(
    [PersistentState("index", StorageNames.Jobs)] IPersistentState<JobIndexState> state) : Grain, IJobIndexGrain
{
    private static readonly TimeSpan WriteDelay = TimeSpan.FromMilliseconds(500);
    // A shard's write serializes all its rows: a large shard waits longer, so that a bulk creation of a million jobs
    // costs a few writes per shard instead of two a second of ever larger ones (about 1 s per 20,000 rows).
    private TimeSpan Delay() => TimeSpan.FromMilliseconds(Math.Max(WriteDelay.TotalMilliseconds, _rows.Count / 20.0));
    // Handler names and schedule texts repeat across rows: one string each (up to a bound) instead of one per row.
    private const int MaxShared = 10_000;
    private readonly Dictionary<string, JobSummary> _rows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _shared = new(StringComparer.Ordinal);
    private SortedSet<string>? _ordered;
    private IGrainTimer? _writeTimer;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var row in state.State.Rows.Values) Put(row);
        foreach (var row in Unpack(state.State.Packed)) Put(row);
        state.State.Rows = new(StringComparer.Ordinal);
        state.State.Packed = null;
        return Task.CompletedTask;
    }

    private void Put(JobSummary row) =>
        _rows[row.Id] = row with { Handler = Shared(row.Handler), Schedule = Shared(row.Schedule) };

    private string Shared(string text)
    {
        if (_shared.TryGetValue(text, out var known)) return known;
        if (_shared.Count < MaxShared) _shared[text] = text;
        return text;
    }

    /// <summary>Packs rows: per row the id, handler and schedule (length-prefixed UTF-8), status, and the change instant.</summary>
    internal static byte[]? Pack(IReadOnlyCollection<JobSummary> rows)
    {
        if (rows.Count == 0) return null;
        using var buffer = new MemoryStream(rows.Count * 64);
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            foreach (var row in rows)
            {
                writer.Write(row.Id);
                writer.Write(row.Handler);
                writer.Write(row.Schedule);
                writer.Write((byte)row.Status);
                writer.Write(row.UpdatedAt.UtcTicks);
                writer.Write((short)row.UpdatedAt.Offset.TotalMinutes);
            }
        }
        return buffer.ToArray();
    }

    /// <summary>Reads what <see cref="Pack"/> wrote.</summary>
    internal static IEnumerable<JobSummary> Unpack(byte[]? packed)
    {
        if (packed is null) yield break;
        using var reader = new BinaryReader(new MemoryStream(packed), Encoding.UTF8);
        while (reader.BaseStream.Position < packed.Length)
        {
            var id = reader.ReadString();
            var handler = reader.ReadString();
            var schedule = reader.ReadString();
            var status = (JobStatus)reader.ReadByte();
            var ticks = reader.ReadInt64();
            var offset = TimeSpan.FromMinutes(reader.ReadInt16());
            yield return new JobSummary(id, handler, status, schedule, new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(offset));
        }
    }

    /// <inheritdoc />
    public Task UpsertAsync(JobSummary summary)
    {
        Put(summary);
        Ordered.Add(summary.Id);
        ScheduleWrite();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task UpsertManyAsync(JobSummary[] summaries)
    {
        foreach (var summary in summaries)
        {
            Put(summary);
            Ordered.Add(summary.Id);
        }
        ScheduleWrite();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task RemoveAsync(string jobId)
    {
        if (_rows.Remove(jobId))
        {
            Ordered.Remove(jobId);
            ScheduleWrite();
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<JobSummary>> QueryAsync(JobQuery query)
    {
        var limit = Math.Clamp(query.Limit, 1, 1000);
        IEnumerable<string> ids = Ordered;
        if (query.After is { } after)
        {
            ids = Ordered.Max is { } max && string.CompareOrdinal(after, max) < 0
                ? Ordered.GetViewBetween(after, max).Where(id => string.CompareOrdinal(id, after) > 0)
                : [];
        }
        var rows = new List<JobSummary>(Math.Min(limit, _rows.Count));
        foreach (var id in ids)
        {
            if (query.IdPrefix is { } prefix && !id.StartsWith(prefix, StringComparison.Ordinal))
            {
                if (string.CompareOrdinal(id, prefix) > 0) break; // sorted: past every id with the prefix
                continue;
            }
            var row = _rows[id];
            if (query.Handler is { } handler && row.Handler != handler) continue;
            if (query.Status is { } status && row.Status != status) continue;
            rows.Add(row);
            if (rows.Count == limit) break;
        }
        return Task.FromResult<IReadOnlyList<JobSummary>>(rows);
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_writeTimer is not null) await WriteAsync(cancellationToken);
    }

    private SortedSet<string> Ordered => _ordered ??= new SortedSet<string>(_rows.Keys, StringComparer.Ordinal);

    private void ScheduleWrite() =>
        _writeTimer ??= this.RegisterGrainTimer(async () =>
        {
            // Disposing the timer cancels its callback's token, so the write takes none and the timer goes after it.
            await WriteAsync(CancellationToken.None);
            _writeTimer?.Dispose();
            _writeTimer = null;
        }, new GrainTimerCreationOptions { DueTime = Delay(), Period = Timeout.InfiniteTimeSpan, KeepAlive = true });

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        state.State.Packed = Pack(_rows.Values);
        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        finally
        {
            state.State.Packed = null; // the store keeps its copy; the dictionary is the live one
        }
    }
}
