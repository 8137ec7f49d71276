using OrleansScheduler.Execution;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Grains.Jobs;

// Leases: a recurring job that fires at least twice per lease hands its schedule to its worker for a while (see
// JobLease) instead of dispatching each occurrence. The job renews the lease when half of it is left, grants it again
// wherever its partition's worker now lives after a silo change, and learns from the worker's reports how far every
// leased occurrence has finished: that is the resume point it stores with each renewal (the worker partition's own
// ledger, stored every second, is what keeps a successor from running finished occurrences again).
public sealed partial class JobGrain
{
    // The end of the lease this activation granted (null: none): the occurrences after the point where the job's own
    // dispatch stopped when it first granted, up to this, are the worker's. _leaseStartCount: occurrences counted then.
    private DateTimeOffset? _leaseUntil;
    private long _leaseStartCount;
    // Occurrences counted through the lease's end (what the worker fires, and must report finished). The job's own count
    // may go further: after a lease's end it dispatches the rest of a schedule itself.
    private long _leaseCount;
    // How far every leased occurrence has finished, as the worker last reported.
    private DateTimeOffset _leaseFinishedThrough;
    private long _leaseFinishedCount;

    private TimeSpan LeaseLength => _options.LeaseLength < _options.NearHorizon ? _options.LeaseLength : _options.NearHorizon;

    // Worth a lease: a recurring job, firing, whose next two occurrences both fall within a lease from now.
    private bool LeaseWorthIt(DateTimeOffset now)
    {
        var state = _state.State;
        if (LeaseLength <= TimeSpan.Zero || state.Status != JobStatus.Scheduled || _retryDispatchAt is not null) return false;
        if (state.Definition!.Schedule.Kind is not (ScheduleKind.Cron or ScheduleKind.Interval)) return false;
        if (NextOccurrence() is not { } next || next > now + LeaseLength) return false;
        return _schedule!.NextAfter(next) is { } after && after <= now + LeaseLength;
    }

    // When the lease must be renewed, or null without one: when half of it is left, plus up to a quarter lease later by
    // the job's id. Jobs granted together (a cluster start, a bulk creation) would otherwise renew together for ever, a
    // burst of job-grain turns and writes every half lease; with the offset each job's renewal period differs a little,
    // and the renewals spread out.
    private DateTimeOffset? LeaseRenewAt => _leaseUntil - LeaseLength / 2 + RenewOffset;

    private TimeSpan RenewOffset => LeaseLength / 4 * Phase;

    // A fraction in [0, 1) fixed by the job id: jobs created together spread their periodic work (renewals, history
    // writes) over a stretch instead of doing it at the same moment.
    private double Phase => (StableHash.Of(JobId) % 1024) / 1024.0;

    // After the wake's own dispatch: grants a lease, or renews the one held when half of it is left.
    private async Task LeaseAheadAsync()
    {
        var now = _time.GetUtcNow();
        if (_fenced || (LeaseRenewAt is { } renewAt && renewAt > now) || !LeaseWorthIt(now)) return;
        var until = now + LeaseLength;
        var saved = (_dispatchedThrough, _next, _nextKnown, _dispatchedCount, _leaseUntil, _leaseCount);
        if (_leaseUntil is null)
        {
            // The lease starts where everything has finished, not where this activation's own dispatch reached: what it
            // dispatched and has not heard back from is the lease's too (the worker's de-duplication runs each once). A
            // lease's reports then vouch only for occurrences that did finish; a new activation that resumes from them
            // (after this one stops) cannot skip one this activation sent and lost (a delivery to a silo that was stopping).
            (_leaseFinishedThrough, _leaseFinishedCount) = FinishedPoint();
            _leaseStartCount = _dispatchedCount;
        }
        // The job's cursor moves through the lease: what it covers is handed over (and counts toward the cap on runs).
        while (NextOccurrence() is { } due && due <= until)
        {
            _dispatchedCount++;
            Advance(due, _schedule!.NextAfter(due));
        }
        _leaseUntil = until;
        _leaseCount = _dispatchedCount;
        // The fence covers the lease: nothing is handed over beyond a reservation this activation wrote.
        if ((!_owns || until > _state.State.ReservedThrough) && !await ReserveAsync())
        {
            TakeBack();
            return;
        }
        try
        {
            await GrantLeaseAsync();
        }
        catch (Exception ex)
        {
            LogLeaseFailed(_logger, ex, JobId);
            TakeBack();
            return;
        }
        // Each renewal makes sure the registry record still names this activation (failover finds a leased job by it; a
        // duplicate activation that Orleans removed may have taken it away). Unchanged, it costs the registry no write.
        if (saved._leaseUntil is not null && _registered) await RegisterAsync();

        void TakeBack()
        {
            (_dispatchedThrough, _next, _nextKnown, _dispatchedCount, _leaseUntil, _leaseCount) = saved;
            _retryDispatchAt = now + DispatchRetryDelay;
        }
    }

    // The worker fires from where every leased occurrence has finished; a worker that already holds the lease only
    // extends it (its own progress is further).
    private async Task GrantLeaseAsync()
    {
        var state = _state.State;
        var definition = state.Definition!;
        var report = await _dispatcher.LeaseAsync(_partition, new JobLease
        {
            JobId = JobId,
            JobVersion = state.Version,
            Partition = _partition,
            Handler = definition.Handler,
            Payload = definition.Payload,
            Priority = definition.Priority,
            Timeout = definition.Timeout,
            Retry = definition.Retry,
            Schedule = definition.Schedule,
            Anchor = state.CreatedAt,
            After = _leaseFinishedThrough,
            Count = _leaseFinishedCount,
            Until = _leaseUntil!.Value,
        });
        // A renewal brings back the lease's report (a worker reports on its own only when no renewal comes in time). Its
        // history is written now rather than after the flush delay: renewals are a lease apart, so a delay would coalesce
        // nothing, and a pending flush is a runtime timer per job (ten thousand leased jobs, ten thousand timers).
        if (report is not null && ApplyLeaseReport(report, deferWrite: false)) await FlushHistoryNowAsync();
    }

    // Ends the lease in the job's books (the worker's copy is revoked by version): the occurrences due by now count as
    // handed over, the rest go back to the job.
    private void EndLease(DateTimeOffset now)
    {
        if (_leaseUntil is null) return;
        var (through, count) = LeasedThrough(now);
        _dispatchedCount = count;
        Advance(through, _schedule!.NextAfter(through));
        _leaseUntil = null;
    }

    // The leased occurrences due by now: the last of them, and how many occurrences that makes in all.
    private (DateTimeOffset Through, long Count) LeasedThrough(DateTimeOffset now)
    {
        var through = _leaseFinishedThrough;
        var count = _leaseFinishedCount;
        var max = _state.State.Definition!.Schedule.MaxRuns;
        while ((max is null || count < max) && _schedule!.NextAfter(through) is { } due && due <= now)
        {
            count++;
            through = due;
        }
        return (through, count);
    }

    // Whether leased occurrences are still out (handed over and not finished).
    private bool LeaseOutstanding => _leaseUntil is not null && _leaseFinishedCount < _leaseCount;

    // Returns whether history or counters changed; they are written after the flush delay unless the caller writes them.
    private bool ApplyLeaseReport(LeaseReport report, bool deferWrite = true)
    {
        if (report.JobVersion == _state.State.Version && _leaseUntil is not null && report.FinishedThrough > _leaseFinishedThrough)
        {
            _leaseFinishedThrough = report.FinishedThrough;
            _leaseFinishedCount = report.FinishedCount;
            // The lease started at or before the oldest occurrence this activation dispatched itself and did not hear back
            // from: those the report passes have finished (the lease's own copy or this one's, whichever ran).
            ForgetUnackedBefore(report.FinishedThrough.UtcTicks + 1);
        }
        var history = _history.State;
        var added = Outcomes.AddPacked(report.Outcomes);
        history.Succeeded += report.Succeeded;
        history.Failed += report.Failed;
        var changed = added > 0 || report.Succeeded + report.Failed > 0;
        if (changed && deferWrite) MarkHistoryDirty();
        return changed;
    }

    /// <inheritdoc />
    public async Task ReportLeaseAsync(LeaseReport report)
    {
        // Not stored here: the job's resume point is stored with each renewal, and the worker's ledger knows to the
        // second what finished, so a successor on either side runs nothing twice that its ledger has.
        if (!Exists || report.JobVersion > _state.State.Version) return;
        ApplyLeaseReport(report);
        // The last leased occurrence has finished: the job completes now rather than at its next check.
        if (!_fenced && _leaseUntil is not null && !LeaseOutstanding && _state.State.Status == JobStatus.Scheduled && NextOccurrence() is null)
            await ArmAsync();
    }

    // A leased job stores its resume point only with its renewals (a minute or two apart), but its worker knows to the
    // moment how far the lease's occurrences have finished (or, when the partition moved with a silo, its ledger knows
    // to the second). A new activation asks before it dispatches anything: otherwise it would run again, as missed,
    // everything the lease ran since the last renewal.
    private static readonly TimeSpan ResumeAskTimeout = TimeSpan.FromSeconds(2);

    private async Task ResumeFromWorkerAsync()
    {
        var state = _state.State;
        if (LeaseLength <= TimeSpan.Zero || state.Status != JobStatus.Scheduled || state.Definition!.Schedule.Kind is not (ScheduleKind.Cron or ScheduleKind.Interval)) return;
        // Only a job that was firing lately can have a lease out: a lease is reserved half a lease past its end.
        if (state.ReservedThrough < _time.GetUtcNow() - LeaseLength) return;
        try
        {
            // Bounded: during a membership change the partition may take a moment to settle, and the job must not wait
            // for a call's full timeout before it fires again (it then resumes from its stored point, as before).
            var collected = await _dispatcher.CollectAsync(_partition, JobId).WaitAsync(ResumeAskTimeout, _time);
            if (collected is not { } report || report.JobVersion != state.Version) return;
            // No lease is held yet: this takes the report's history and counters only.
            ApplyLeaseReport(report);
            if (report.FinishedThrough <= _dispatchedThrough) return;
            LogResumedFromWorker(_logger, JobId, _dispatchedThrough, report.FinishedThrough);
            _dispatchedThrough = report.FinishedThrough;
            _dispatchedCount = report.FinishedCount;
            _nextKnown = false;
        }
        catch (Exception ex)
        {
            LogLeaseFailed(_logger, ex, JobId);
        }
    }

    // Reads take what the worker has not reported yet, so history and counters are current.
    private async Task CollectLeaseAsync()
    {
        if (_leaseUntil is null) return;
        try
        {
            if (await _dispatcher.CollectAsync(_partition, JobId) is { } report) ApplyLeaseReport(report);
        }
        catch (Exception ex)
        {
            LogLeaseFailed(_logger, ex, JobId);
        }
    }

    // Where the job is now for callers: the next occurrence after now while a lease fires it, else the job's cursor.
    private (DateTimeOffset? Next, long Count) Progress()
    {
        if (_leaseUntil is null) return (NextOccurrence(), _dispatchedCount);
        var (through, count) = LeasedThrough(_time.GetUtcNow());
        return (_state.State.Definition!.Schedule.MaxRuns is { } max && count >= max ? null : _schedule!.NextAfter(through), count);
    }
}
