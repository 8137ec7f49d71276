using OrleansScheduler.Jobs;

namespace OrleansScheduler.Grains.Jobs;

/// <summary>What a listing shard persists: one row per job, keyed by id.</summary>
[GenerateSerializer, Alias("grains.JobIndexState")]
public sealed class JobIndexState
{
    /// <summary>Rows by job id.</summary>
    [Id(0)] public Dictionary<string, JobSummary> Rows { get; set; } = new(StringComparer.Ordinal);
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
    private TimeSpan Delay() => TimeSpan.FromMilliseconds(Math.Max(WriteDelay.TotalMilliseconds, state.State.Rows.Count / 20.0));
    private SortedSet<string>? _ordered;
    private IGrainTimer? _writeTimer;

    /// <inheritdoc />
    public Task UpsertAsync(JobSummary summary)
    {
        state.State.Rows[summary.Id] = summary;
        Ordered.Add(summary.Id);
        ScheduleWrite();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task UpsertManyAsync(JobSummary[] summaries)
    {
        foreach (var summary in summaries)
        {
            state.State.Rows[summary.Id] = summary;
            Ordered.Add(summary.Id);
        }
        ScheduleWrite();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task RemoveAsync(string jobId)
    {
        if (state.State.Rows.Remove(jobId))
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
        var rows = new List<JobSummary>(Math.Min(limit, state.State.Rows.Count));
        foreach (var id in ids)
        {
            if (query.IdPrefix is { } prefix && !id.StartsWith(prefix, StringComparison.Ordinal))
            {
                if (string.CompareOrdinal(id, prefix) > 0) break; // sorted: past every id with the prefix
                continue;
            }
            var row = state.State.Rows[id];
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
        if (_writeTimer is not null) await state.WriteStateAsync(cancellationToken);
    }

    private SortedSet<string> Ordered => _ordered ??= new SortedSet<string>(state.State.Rows.Keys, StringComparer.Ordinal);

    private void ScheduleWrite() =>
        _writeTimer ??= this.RegisterGrainTimer(async () =>
        {
            // Disposing the timer cancels its callback's token, so the write takes none and the timer goes after it.
            await state.WriteStateAsync();
            _writeTimer?.Dispose();
            _writeTimer = null;
        }, new GrainTimerCreationOptions { DueTime = Delay(), Period = Timeout.InfiniteTimeSpan, KeepAlive = true });
}
