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
        var state = _history.State;
        if (_options.HistorySize > 0)
        {
            state.History.Add(outcome);
            if (state.History.Count > _options.HistorySize) state.History.RemoveRange(0, state.History.Count - _options.HistorySize);
        }
        if (outcome.IsFinal)
        {
            if (outcome.Status == ExecutionStatus.Succeeded) state.Succeeded++;
            else state.Failed++;
        }
        _historyDirty = true;
        _flushTimer ??= this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions
        {
            DueTime = _options.HistoryFlushDelay,
            Period = Timeout.InfiniteTimeSpan,
            KeepAlive = false,
        });

        _events.Publish(outcome);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ExecutionOutcome>> GetHistoryAsync(int limit)
    {
        if (!Exists)
        {
            DeactivateOnIdle();
            throw new Errors.JobNotFoundException(JobId);
        }
        var history = _history.State.History;
        IReadOnlyList<ExecutionOutcome> newestFirst = history.AsEnumerable().Reverse().Take(Math.Max(0, limit)).ToList();
        return Task.FromResult(newestFirst);
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
