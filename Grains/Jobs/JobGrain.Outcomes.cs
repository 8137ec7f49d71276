using OrleansScheduler.Execution;

namespace OrleansScheduler.Grains.Jobs;

// What comes back from workers: a bounded history, counters, and the execution-event stream.
public sealed partial class JobGrain
{
    // History and counters are written lazily (a deferred flush, or on deactivation): one write per outcome would cap
    // throughput at the store's write rate. A crash loses at most the outcomes of the last flush delay.
    private IGrainTimer? _flushTimer;
    private bool _historyDirty;

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

    private void AddToHistory(ExecutionOutcome outcome)
    {
        if (_options.HistorySize <= 0) return;
        var history = _history.State.History;
        history.Add(outcome);
        if (history.Count > _options.HistorySize) history.RemoveRange(0, history.Count - _options.HistorySize);
    }

    // History and counters changed: written after the flush delay (one write covers every change meanwhile).
    private void MarkHistoryDirty()
    {
        _historyDirty = true;
        _flushTimer ??= this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions
        {
            DueTime = _options.HistoryFlushDelay,
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
        var history = _history.State.History;
        return history.AsEnumerable().Reverse().Take(Math.Max(0, limit)).ToList();
    }

    private async Task FlushAsync()
    {
        if (Exists && _historyDirty)
        {
            _historyDirty = false;
            await _history.WriteStateAsync();
        }
        _flushTimer?.Dispose();
        _flushTimer = null;
    }
}
