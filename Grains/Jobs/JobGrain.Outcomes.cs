using OrleansScheduler.Execution;

namespace OrleansScheduler.Grains.Jobs;

// What comes back from workers: a bounded history, counters, and the execution-event stream.
public sealed partial class JobGrain
{
    // History and counters are written lazily (a deferred flush, or on deactivation): one write per outcome would cap
    // throughput at the store's write rate. A crash loses at most the outcomes of the last flush delay.
    private IGrainTimer? _flushTimer;
    private bool _historyDirty;
    private OutcomeHistory? _outcomes;

    // The recent outcomes, loaded from the stored history on first use.
    private OutcomeHistory Outcomes
    {
        get
        {
            if (_outcomes is null)
            {
                _outcomes = new OutcomeHistory(_options.HistorySize);
                var state = _history.State;
                _outcomes.Load(state.Outcomes, state.Packed, state.History);
                // The ring holds them now, in every stored form; every write packs it again as Outcomes. (An empty list
                // stays: a new one would be a young object in this long-lived state.)
                (state.Outcomes, state.Packed) = (null, null);
                if (state.History.Count > 0) state.History = [];
            }
            return _outcomes;
        }
    }

    /// <inheritdoc />
    public Task ReportOutcomeAsync(ExecutionOutcome outcome)
    {
        if (!Exists || outcome.JobVersion > _state.State.Version) return Task.CompletedTask;
        if (outcome.IsFinal && !outcome.Manual && outcome.JobVersion == _state.State.Version) Acknowledge(outcome.ScheduledAt);
        AddToHistory(outcome);
        if (outcome.IsFinal)
        {
            if (outcome.Status == ExecutionStatus.Succeeded) _history.State.Succeeded++;
            else _history.State.Failed++;
        }
        MarkHistoryDirty();
        _events.Publish(outcome);
        return Task.CompletedTask;
    }

    private void AddToHistory(ExecutionOutcome outcome) => Outcomes.Add(outcome);

    private async Task WriteHistoryAsync(CancellationToken cancellationToken = default)
    {
        var state = _history.State;
        // The older stored forms (Packed, History) were emptied when the ring loaded them.
        state.Outcomes = Outcomes.Pack();
        try
        {
            await _history.WriteStateAsync(cancellationToken);
        }
        finally
        {
            // Written (or not): the ring keeps the outcomes, and the next write packs them again. Kept, the packed copy
            // would live until then, a minute or more: one long-lived array per job for the collector to promote.
            state.Outcomes = null;
        }
    }

    // History and counters changed: written after the flush delay (one write covers every change meanwhile).
    private void MarkHistoryDirty()
    {
        _historyDirty = true;
        _flushTimer ??= this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions
        {
            // Between half the flush delay and all of it, by job: thousands of jobs created together do not all write
            // their history at the same moment.
            DueTime = _options.HistoryFlushDelay * (1 - Phase / 2),
            Period = Timeout.InfiniteTimeSpan,
            KeepAlive = false,
        });
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ExecutionOutcome>> GetHistoryAsync(int limit)
    {
        if (!Exists)
        {
            DeactivateOnIdle();
            throw new Errors.JobNotFoundException(JobId);
        }
        await CollectLeaseAsync();
        return Outcomes.NewestFirst(JobId, limit);
    }

    // Writes history and counters in the current turn; on failure they are written after the flush delay instead.
    private async Task FlushHistoryNowAsync()
    {
        _historyDirty = true;
        try
        {
            await FlushAsync();
        }
        catch (Exception ex)
        {
            LogHistoryWriteFailed(_logger, ex, JobId);
            MarkHistoryDirty();
        }
    }

    private async Task FlushAsync()
    {
        if (Exists && _historyDirty)
        {
            _historyDirty = false;
            await WriteHistoryAsync();
        }
        _flushTimer?.Dispose();
        _flushTimer = null;
    }
}
