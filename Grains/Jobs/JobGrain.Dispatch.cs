using Orleans.Storage;
using OrleansScheduler.Execution;
using OrleansScheduler.Grains.Failover;
using OrleansScheduler.Grains.Timing;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Grains.Jobs;

// The firing path: arm (wheel entry near, reminder far) → wake → dispatch a batch a lead ahead → persist the watermark per block.
public sealed partial class JobGrain
{
    private const string ReminderName = "wake";

    private CompiledSchedule? _schedule;
    // In memory the job runs ahead of its persisted watermark; after a crash the next activation resumes from the
    // persisted one and redelivers at most one block (same ExecutionIds).
    private DateTimeOffset _dispatchedThrough;
    private long _dispatchedCount;
    private DateTimeOffset? _next;
    private bool _nextKnown;
    // Scheduled instants dispatched but not yet due: what an update or pause can still take back.
    private readonly Queue<DateTimeOffset> _inFlight = new();
    private WheelTimeout? _wheelEntry;
    // The entry of the last wake this activation took: its item fired and made the WakeAsync call, so nothing holds it
    // any more, and the next wake re-arms it instead of allocating an entry, a handle and an item. Each of those was a
    // young object written into this long-lived activation (a card for every young collection to scan until the next
    // older one), once per renewal of every leased job.
    private WheelTimeout? _spentWake;
    private IJobGrain? _self;
    private long _armToken;
    // Whether this activation knows the (near safety-net) reminder's state, and whether one is registered.
    private bool _reminderKnown;
    private bool _reminderRegistered;
    // The wake time this activation stored in the far-horizon wake index (null: none stored), and whether it knows the
    // job is not in the index (so that leaving it costs no call).
    private DateTimeOffset? _indexedWakeAt;
    private bool _notInWakeIndex;
    // After a failed dispatch the next attempt waits a little instead of spinning on a wheel entry in the past.
    private static readonly TimeSpan DispatchRetryDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan CompletionDelay = TimeSpan.FromSeconds(1);
    private DateTimeOffset? _retryDispatchAt;

    // Scheduled instants (UTC ticks, ascending) dispatched whose final outcome has not come back: what a redelivery
    // sends again, and what keeps the persisted resume point from moving past them.
    private readonly List<long> _unacked = [];
    // An occurrence whose outcome never comes back (a report lost with its silo) stops holding the resume point after this.
    private static readonly TimeSpan UnackedMemory = TimeSpan.FromMinutes(10);
    // Whether this activation has written the state since it read it: only then may it dispatch (the ETag fence).
    private bool _owns;
    // Another activation wrote the state since this one read it: this one dispatches nothing more and goes.
    private bool _fenced;
    // Whether this activation is recorded in the live-job registry (so failover finds it if its silo dies).
    private bool _registered;
    // A redelivery after a silo left is retried shortly while the worker's directory entry still names the dead silo.
    private const int MaxRedeliveryAttempts = 8;
    private static readonly TimeSpan RedeliveryRetryDelay = TimeSpan.FromMilliseconds(500);
    private int _redeliveryAttempts;
    private IGrainTimer? _redeliveryTimer;
    private DateTimeOffset _lastRedelivery = DateTimeOffset.MinValue;
    // The last instant the misfire policy skipped to (occurrences through it that were not dispatched never run).
    private DateTimeOffset _skippedThrough = DateTimeOffset.MinValue;
    private bool _handedOff;
    // The registration of the near horizon's safety nets (reminder, registry record) in flight, if any.
    private Task? _safetyNets;

    /// <inheritdoc />
    public Task WakeAsync(long armToken)
    {
        if (armToken != _armToken || !Exists || _fenced) return Task.CompletedTask;
        _spentWake = _wheelEntry;
        _wheelEntry = null;
        return DispatchAndRearmAsync();
    }

    /// <inheritdoc />
    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (!Exists) return UnregisterReminderAsync();
        if (_fenced) return Task.CompletedTask;
        _reminderKnown = true;
        _reminderRegistered = true;
        return DueAsync();
    }

    /// <inheritdoc />
    public Task DueAsync()
    {
        if (!Exists)
        {
            DeactivateOnIdle();
            return Task.CompletedTask;
        }
        if (_fenced) return Task.CompletedTask;
        return DueCoreAsync();
    }

    private async Task DueCoreAsync()
    {
        // A live wheel entry means this activation is on track (the wake index or a safety net only confirms it).
        if (_wheelEntry is not { IsCancelled: false, IsExpired: false }) await DispatchAndRearmAsync();
        // The index forgets the job when this returns: something durable must know it first.
        await EnsureSafetyNetsAsync();
    }

    private void LoadSchedule()
    {
        var state = _state.State;
        _schedule = ScheduleCalculator.Compile(state.Definition!.Schedule, state.CreatedAt);
        ResetProgressFromState();
    }

    private void ResetProgressFromState()
    {
        _skippedThrough = DateTimeOffset.MinValue;
        // The stored state says whether a safety-net reminder exists (a far job has none: the wake index wakes it).
        _reminderKnown = true;
        _reminderRegistered = _state.State.NearReminder;
        _dispatchedThrough = _state.State.DispatchedThrough;
        _dispatchedCount = _state.State.DispatchedCount;
        _nextKnown = false;
        _inFlight.Clear();
        _unacked.Clear();
        _owns = false;
        _leaseUntil = null;
    }

    private DateTimeOffset? NextOccurrence()
    {
        if (!_nextKnown)
        {
            _next = _schedule!.NextAfter(_dispatchedThrough);
            _nextKnown = true;
        }
        if (_state.State.Definition!.Schedule.MaxRuns is { } max && _dispatchedCount >= max) return null;
        return _next;
    }

    private void Advance(DateTimeOffset handledThrough, DateTimeOffset? next)
    {
        _dispatchedThrough = handledThrough;
        _next = next;
        _nextKnown = true;
    }

    private async Task DispatchAndRearmAsync()
    {
        if (_state.State.Status == JobStatus.Scheduled)
        {
            await RedeliverOverdueAsync();
            // A held lease is renewed before the job dispatches anything itself: otherwise a renewal late in the lease
            // would find the occurrences just after its end already dispatched one by one.
            if (_leaseUntil is not null) await LeaseAheadAsync();
            await DispatchDueAsync();
            await LeaseAheadAsync();
        }
        if (_fenced) return;
        // Only after a wake: a far job goes idle until its reminder. (On activation or a caller's request it must not,
        // or calls would chase a deactivating activation.)
        if (await ArmAsync() && !_historyDirty && _inFlight.Count == 0) GoIdle();
    }

    // At-least-once delivery: an occurrence that has not reported back RedeliverAfter past its instant went astray (a
    // stream stalled while its queue moved, a worker's silo died) or is still running; either way it is sent again
    // straight to the worker, which runs it only if it never got it. At most once per RedeliverAfter.
    private async Task RedeliverOverdueAsync()
    {
        var now = _time.GetUtcNow();
        if (RedeliveryDueAt() is not { } dueAt || dueAt > now) return;
        var overdueBefore = (now - _options.RedeliverAfter).UtcTicks;
        var count = Math.Min(RedeliverableCount(), UnackedThrough(overdueBefore));
        _lastRedelivery = now;
        try
        {
            await SendAgainAsync(count);
            LogRedeliveredOverdue(_logger, JobId, count);
        }
        catch (Exception ex)
        {
            LogRedeliveryRetry(_logger, ex, JobId, 0);
        }
    }

    // Sends the oldest `count` unfinished occurrences again, straight to the worker, with their ids.
    private Task SendAgainAsync(int count)
    {
        var executions = new Execution.Execution[count];
        for (var i = 0; i < count; i++) executions[i] = NewExecution(new DateTimeOffset(_unacked[i], TimeSpan.Zero), manual: false);
        return _dispatcher.DeliverNowAsync(_partition, new ExecutionBatch(executions));
    }

    // When the oldest unfinished occurrence this job redelivers itself becomes overdue (and the last redelivery is far
    // enough back), or null.
    private DateTimeOffset? RedeliveryDueAt()
    {
        if (RedeliverableCount() == 0) return null;
        var dueAt = new DateTimeOffset(_unacked[0], TimeSpan.Zero) + _options.RedeliverAfter;
        var notBefore = _lastRedelivery + _options.RedeliverAfter;
        return dueAt > notBefore ? dueAt : notBefore;
    }

    // The unfinished occurrences this job sends again itself when they are overdue (a prefix of _unacked): all of them, or
    // under a lease this activation granted, those at or before the lease's start. The lease fires the ones after it (it
    // starts just before the oldest occurrence the grant's own dispatch has not heard back about, and the worker's
    // de-duplication runs each once), and the lease's reports acknowledge them. Sending them again as well cost a wake,
    // a batch and an acknowledgement per job a few seconds after every first grant, when thousands of jobs start together.
    private int RedeliverableCount() => _leaseUntil is null ? _unacked.Count : UnackedThrough(_leaseFinishedThrough.UtcTicks);

    // Arms the wheel at `at`, or earlier if an unfinished occurrence becomes overdue well before then. A wake planned
    // within half of RedeliverAfter after the overdue point serves the redelivery too: it is a safety net, and a wake
    // of its own would fall on another occurrence's instant (RedeliverAfter past an instant, for a job firing every
    // second), where thousands of jobs woken at once delay that instant's starts (p50 6 → 56 ms, 10,000 jobs on the second).
    private void ScheduleWake(DateTimeOffset at)
    {
        if (RedeliveryDueAt() is { } redeliverAt && redeliverAt + _options.RedeliverAfter / 2 < at) at = redeliverAt;
        var token = ++_armToken;
        if (_spentWake is { Item: JobWakeItem item } spent)
        {
            _spentWake = null;
            item.ArmToken = token;
            if (_wheel.Reschedule(spent, at))
            {
                _wheelEntry = spent;
                return;
            }
        }
        _wheelEntry = _wheel.Schedule(at, new JobWakeItem(_self ??= this.AsReference<IJobGrain>(), token));
    }

    private async Task DispatchDueAsync()
    {
        var now = _time.GetUtcNow();
        var lead = _options.DispatchLead;
        // One wake dispatches everything due within the lead plus the dispatch window: a job wakes about once per window,
        // not once per occurrence.
        var horizon = now + lead + _options.DispatchWindow;
        var misfireBefore = now - _options.MisfireThreshold;
        var policy = _state.State.Definition!.Misfire;
        var batch = new List<Execution.Execution>();
        var savedThrough = _dispatchedThrough;
        var savedNext = _next;
        var savedKnown = _nextKnown;
        var savedCount = _dispatchedCount;

        while (batch.Count < _options.MaxBatch && NextOccurrence() is { } due && due <= horizon)
        {
            if (due < misfireBefore)
            {
                // Missed while nothing could fire it (cluster down, job paused).
                var resumeFrom = misfireBefore;
                if (policy == MisfirePolicy.FireAll && due >= now - _options.CatchUpWindow)
                {
                    AddOccurrence(batch, due);
                    continue;
                }
                if (policy == MisfirePolicy.FireAll) resumeFrom = now - _options.CatchUpWindow;
                else if (policy == MisfirePolicy.FireOnceNow) AddOccurrence(batch, due);
                LogMisfired(_logger, JobId, due, policy);
                var skipTo = resumeFrom.AddTicks(-1);
                Advance(Max(_dispatchedThrough, skipTo), _schedule!.NextAfter(Max(_dispatchedThrough, skipTo)));
                _skippedThrough = Max(_skippedThrough, _dispatchedThrough);
                continue;
            }
            AddOccurrence(batch, due);
        }

        if (batch.Count == 0) return;
        // The fence: nothing beyond the stored reservation is dispatched before a write (ETag-checked) extends it, and a
        // new activation writes before its first dispatch. One write covers a block of occurrences.
        if ((!_owns || batch[^1].ScheduledAt > _state.State.ReservedThrough) && !await ReserveAsync())
        {
            TakeBack();
            return;
        }
        try
        {
            await DispatchBatchAsync(batch, now);
        }
        catch (Exception ex)
        {
            // Nothing counts as dispatched; the next arm retries the same occurrences (same ExecutionIds).
            LogDispatchFailed(_logger, ex, JobId, batch.Count);
            TakeBack();
        }

        void TakeBack()
        {
            _dispatchedThrough = savedThrough;
            _next = savedNext;
            _nextKnown = savedKnown;
            _dispatchedCount = savedCount;
            var kept = _inFlight.Take(_inFlight.Count - batch.Count).ToArray();
            _inFlight.Clear();
            foreach (var due in kept) _inFlight.Enqueue(due);
            _unacked.RemoveRange(_unacked.Count - batch.Count, batch.Count);
            _retryDispatchAt = now + DispatchRetryDelay;
        }
    }

    // Writes the state to take or extend the reservation. False when this activation must not dispatch: another one
    // wrote since (fenced: this one goes), or the store failed before this activation ever wrote.
    private async Task<bool> ReserveAsync()
    {
        try
        {
            await WriteAsync();
            return true;
        }
        catch (InconsistentStateException ex)
        {
            _fenced = true;
            CancelWheelEntry();
            LogFenced(_logger, ex, JobId);
            DeactivateOnIdle();
            return false;
        }
        catch (Exception ex)
        {
            // The store is unreachable. An owner keeps firing (availability over the fence while the store is down; the
            // redelivery window grows until the next write); a new activation waits for the store.
            LogReserveFailed(_logger, ex, JobId, _owns);
            return _owns;
        }
    }

    private void AddOccurrence(List<Execution.Execution> batch, DateTimeOffset due)
    {
        batch.Add(NewExecution(due, manual: false));
        _inFlight.Enqueue(due);
        _unacked.Add(due.UtcTicks);
        _dispatchedCount++;
        Advance(due, _schedule!.NextAfter(due));
    }

    private async Task DispatchBatchAsync(List<Execution.Execution> batch, DateTimeOffset now)
    {
        // Executions due sooner than half the lead would arrive late over the stream: they go straight to the worker.
        // The batch is in instant order, so the urgent ones are a prefix.
        var urgentBefore = now + _options.DispatchLead / 2;
        var urgent = 0;
        while (urgent < batch.Count && batch[urgent].ScheduledAt < urgentBefore) urgent++;
        if (urgent < batch.Count) _dispatcher.Enqueue(_partition, urgent == 0 ? batch : batch.Skip(urgent));
        if (urgent > 0)
        {
            await _dispatcher.DeliverNowAsync(_partition, new ExecutionBatch([.. batch.Take(urgent)]));
            // Catch-ups are already past their instant: give them RedeliverAfter from now before sending them again.
            _lastRedelivery = now;
        }
    }

    // Takes back what was dispatched for instants after now, under a new version, so the old definition never runs again.
    private async Task RevokeDispatchedAsync(long newVersion, DateTimeOffset now)
    {
        CancelWheelEntry();
        _state.State.Version = newVersion;
        while (_inFlight.TryPeek(out var due) && due <= now) _inFlight.Dequeue();
        // Outcomes of the old version no longer hold the resume point: what was taken back will never report.
        _unacked.Clear();
        if (_inFlight.Count > 0 || _leaseUntil is not null || _state.State.Version > 1)
            await _dispatcher.RevokeAsync(_partition, JobId, newVersion);
        EndLease(now);
        if (_inFlight.Count > 0)
        {
            _dispatchedCount -= _inFlight.Count;
            _inFlight.Clear();
            if (_dispatchedThrough > now) Advance(now, _schedule!.NextAfter(now));
        }
    }

    /// <returns>True when only a far reminder is armed, so the activation may go.</returns>
    private async Task<bool> ArmAsync()
    {
        CancelWheelEntry();
        var state = _state.State;
        if (!Exists || state.Status != JobStatus.Scheduled)
        {
            await UnregisterReminderAsync();
            await LeaveWakeIndexAsync();
            return false;
        }
        if (NextOccurrence() is not { } next)
        {
            // The last occurrence was just handed over: finish the bookkeeping (state, index, reminder) after it is due,
            // not in the lead window where it would compete with the dispatch of every other job due then.
            var settled = _time.GetUtcNow() - CompletionDelay;
            while (_inFlight.TryPeek(out var due) && due <= settled) _inFlight.Dequeue();
            if (_inFlight.Count > 0)
            {
                ScheduleWake(_inFlight.Max() + CompletionDelay);
                return false;
            }
            // Leased occurrences still out: the worker's next report (or a collection) tells when they are done.
            if (LeaseOutstanding)
            {
                ScheduleWake(_time.GetUtcNow() + _options.EffectiveLeaseReportInterval);
                return false;
            }
            // Done only once every occurrence has reported back (or been given up on), so a lost one is still sent again.
            ResumePoint(_time.GetUtcNow());
            if (RedeliveryDueAt() is { } redeliverAt)
            {
                ScheduleWake(redeliverAt);
                return false;
            }
            state.Status = JobStatus.Completed;
            state.UpdatedAt = _time.GetUtcNow();
            _leaseUntil = null;
            await WriteAsync();
            LogCompleted(_logger, JobId, _dispatchedCount);
            await IndexAsync();
            await UnregisterReminderAsync();
            await LeaveWakeIndexAsync();
            return false;
        }

        var now = _time.GetUtcNow();
        var dispatchAt = next - _options.DispatchLead;
        // A lease is renewed when half of it is left (its occurrences are the worker's to fire meanwhile).
        if (LeaseRenewAt is { } renewAt && renewAt > now && renewAt < dispatchAt) dispatchAt = renewAt;
        if (_retryDispatchAt is { } retryAt && retryAt > dispatchAt) dispatchAt = retryAt;
        _retryDispatchAt = null;
        if (FarWakeAt(dispatchAt, now, _options) is not { } wakeAt)
        {
            ScheduleWake(dispatchAt);
            // Near: the registry record lets failover find the job, and a reminder ticking every period is a safety net
            // unless a lease holds the schedule. Neither is needed for this dispatch, so neither holds it up (a job woken
            // by failover fires first).
            if ((!_registered || _reminderRegistered != ReminderWanted(now)) && _safetyNets is not { IsCompleted: false })
                _safetyNets = RegisterSafetyNetsAsync(now);
            return false;
        }

        // Far: an entry in the wake index, which wakes the job shortly before the dispatch time; the activation may go.
        // The safety-net reminder of the near horizon goes once the entry is stored.
        if (_indexedWakeAt != wakeAt)
        {
            await WakeIndex.SetAsync(JobId, wakeAt);
            _indexedWakeAt = wakeAt;
            _notInWakeIndex = false;
        }
        await UnregisterReminderAsync();
        // It stays until what it dispatched has reported back.
        if (RedeliveryDueAt() is { } pendingAt)
        {
            ScheduleWake(pendingAt);
            return false;
        }
        return true;
    }

    private async Task RegisterReminderAsync(DateTimeOffset dueAt)
    {
        var dueTime = dueAt - _time.GetUtcNow();
        if (dueTime < TimeSpan.FromMilliseconds(100)) dueTime = TimeSpan.FromMilliseconds(100);
        await this.RegisterOrUpdateReminder(ReminderName, dueTime, _options.ReminderPeriod);
        _reminderKnown = true;
        _reminderRegistered = true;
        _state.State.NearReminder = true; // stored with the next write (the reservation before the first dispatch)
    }

    private async Task UnregisterReminderAsync()
    {
        if (_reminderKnown && !_reminderRegistered) return;
        var reminder = await this.GetReminder(ReminderName);
        if (reminder is not null) await this.UnregisterReminder(reminder);
        _reminderKnown = true;
        _reminderRegistered = false;
        _state.State.NearReminder = false;
    }

    private IJobWakeIndexGrain WakeIndex => GrainFactory.GetGrain<IJobWakeIndexGrain>(JobWakeIndex.BucketOf(JobId));

    // Off the wake index (paused, completed, deleted), unless this activation knows it is not in it.
    private async Task LeaveWakeIndexAsync()
    {
        if (_notInWakeIndex) return;
        await WakeIndex.RemoveAsync(JobId);
        _notInWakeIndex = true;
        _indexedWakeAt = null;
    }

    private void CancelWheelEntry()
    {
        _wheelEntry?.Cancel();
        _wheelEntry = null;
        _armToken++;
    }

    private async Task WriteAsync()
    {
        var state = _state.State;
        var now = _time.GetUtcNow();
        (state.DispatchedThrough, state.DispatchedCount) = ResumePoint(now);
        // Reserve what the next wakes will dispatch: a write per block, not per wake.
        var reserve = now + _options.DispatchLead + _options.DispatchWindow + _options.WatermarkBlock;
        // A lease's reservation reaches half a lease beyond it, so that every other renewal needs no write.
        if (_leaseUntil is { } leaseUntil && leaseUntil + LeaseLength / 2 > reserve) reserve = leaseUntil + LeaseLength / 2;
        if (reserve > state.ReservedThrough) state.ReservedThrough = reserve;
        await _state.WriteStateAsync();
        _owns = true;
    }

    // Writes without throwing (deactivation, hand-over): a failure is logged; the next activation redelivers more.
    private async Task TryWriteAsync()
    {
        try
        {
            await WriteAsync();
        }
        catch (Exception ex)
        {
            LogReserveFailed(_logger, ex, JobId, _owns);
        }
    }

    // Where a new activation would resume: just before the oldest occurrence whose outcome has not come back.
    private (DateTimeOffset Through, long Count) ResumePoint(DateTimeOffset now)
    {
        ForgetUnackedBefore((now - UnackedMemory).UtcTicks);
        // While a lease fires the job, its occurrences have finished as far as the worker last reported.
        var (through, count) = _leaseUntil is null ? (_dispatchedThrough, _dispatchedCount) : (_leaseFinishedThrough, _leaseFinishedCount);
        if (_unacked.Count == 0) return (through, count);
        var oldest = new DateTimeOffset(_unacked[0] - 1, TimeSpan.Zero);
        if (oldest >= through) return (through, count);
        return (oldest, (_leaseUntil is null ? _dispatchedCount : _leaseStartCount) - _unacked.Count);
    }

    // Where everything this activation dispatched itself has finished: just before the oldest occurrence that has not
    // reported back, with the occurrences counted through there (counted along the schedule, as acknowledgements may come
    // back out of order).
    private (DateTimeOffset Through, long Count) FinishedPoint()
    {
        if (_unacked.Count == 0) return (_dispatchedThrough, _dispatchedCount);
        var through = new DateTimeOffset(_unacked[0] - 1, TimeSpan.Zero);
        // Only this wake's own dispatch goes back to the lease: not occurrences the misfire policy skipped after the oldest
        // one (the lease would fire them), nor anything already overdue (the job's redelivery sends that again itself, and
        // a lease starting that far back would run again what another lease ran since). Then the lease starts where the
        // dispatch reached, as before.
        var overdue = _time.GetUtcNow() - _options.RedeliverAfter;
        if (through >= _dispatchedThrough || _skippedThrough > through || through < overdue) return (_dispatchedThrough, _dispatchedCount);
        var after = 0L;
        for (var due = _schedule!.NextAfter(through); due is { } at && at <= _dispatchedThrough; due = _schedule.NextAfter(at)) after++;
        return (through, _dispatchedCount - after);
    }

    private bool ProgressChanged()
    {
        var (through, count) = ResumePoint(_time.GetUtcNow());
        return through != _state.State.DispatchedThrough || count != _state.State.DispatchedCount;
    }

    // Drops the unacknowledged occurrences before `ticks` (the list is in instant order: a prefix).
    private void ForgetUnackedBefore(long ticks)
    {
        var count = UnackedThrough(ticks - 1);
        if (count > 0) _unacked.RemoveRange(0, count);
    }

    // How many unacknowledged occurrences are at or before `ticks` (the list is in instant order: a prefix).
    private int UnackedThrough(long ticks)
    {
        var count = 0;
        while (count < _unacked.Count && _unacked[count] <= ticks) count++;
        return count;
    }

    private void Acknowledge(DateTimeOffset scheduledAt)
    {
        var index = _unacked.BinarySearch(scheduledAt.UtcTicks);
        if (index >= 0) _unacked.RemoveAt(index);
    }

    // The near horizon's safety nets: the registry record (failover wakes the jobs of a silo that died, and a restarted
    // cluster wakes them all), and a reminder ticking every period for whatever else could leave the job without an
    // activation. A job whose schedule a lease holds (or is about to) has no reminder once its record is stored, as its
    // other nets cover what the reminder would:
    // - its activation goes unasked on a live silo: the silo wakes it again (LocalJobs.WakeSoon), and its worker calls it
    //   when no renewal comes;
    // - its silo dies: the registry sweep wakes it, and so does the worker partition's next activation if the worker died
    //   too (it wakes the jobs of its restored ledger);
    // - its record is lost (a duplicate activation took it away): each renewal and each wake stores it again.
    // Measured: ten thousand leased jobs with reminders, even ones that never tick in the window, cost p99.9 6 → 11 ms at
    // 10,000 executions/s (the reminder service's per-reminder state and timers); ticking every minute, p99 0.5 → 1.1 ms.
    private bool ReminderWanted(DateTimeOffset now) => !_registered || (_leaseUntil is null && !LeaseWorthIt(now));

    private async Task RegisterSafetyNetsAsync(DateTimeOffset now)
    {
        try
        {
            if (!_registered) await RegisterAsync();
            if (_deactivating) return;
            // First tick half a period to one and a half periods out, by job: jobs created together would otherwise all
            // tick in the same few seconds of every period (ten thousand reminder calls at once, once a minute).
            if (ReminderWanted(now))
            {
                if (!_reminderRegistered) await RegisterReminderAsync(now + _options.ReminderPeriod * (0.5 + Phase));
            }
            else if (_reminderRegistered) await UnregisterReminderAsync();
        }
        catch (Exception ex)
        {
            LogRegisterFailed(_logger, ex, JobId);
        }
    }

    // A caller that hands the job over (a create, the wake index) waits until something durable will wake the job if
    // its silo dies: the registry record or the reminder. Without either it throws, and the caller keeps its own record
    // (the wake index tries again; a create reports the failure, and the job's stored state stays).
    private async Task EnsureSafetyNetsAsync()
    {
        if (!Exists || _state.State.Status != JobStatus.Scheduled || _wheelEntry is not { IsCancelled: false, IsExpired: false }) return;
        if (_safetyNets is { } pending) await pending;
        if (!_registered && !_reminderRegistered) await RegisterSafetyNetsAsync(_time.GetUtcNow());
        if (!_registered && !_reminderRegistered)
            throw new InvalidOperationException($"Job '{JobId}' is armed but neither its registry record nor its reminder could be stored.");
    }

    private IJobRegistryGrain Registry => GrainFactory.GetGrain<IJobRegistryGrain>(JobRegistry.BucketOf(JobId));

    private async Task RegisterAsync()
    {
        try
        {
            await Registry.RegisterAsync(JobId, _localJobs.SiloKey, _activation);
            _registered = true;
        }
        catch (Exception ex)
        {
            // Not fatal: without the record a silo failure wakes this job at its next reminder tick instead of at once.
            LogRegisterFailed(_logger, ex, JobId);
        }
    }

    /// <inheritdoc />
    public Task AcknowledgeAsync(DateTimeOffset scheduledAt, long jobVersion)
    {
        if (Exists && jobVersion == _state.State.Version) Acknowledge(scheduledAt);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task PingAsync()
    {
        if (!Exists)
        {
            DeactivateOnIdle();
            return Task.CompletedTask;
        }
        // Woken by a silo after an activation of this job went (a duplicate Orleans removed, say): that one may have taken
        // the registry record with it, and a leased job counts on the record. A record that names this one costs no write.
        return _registered && !_fenced ? RegisterAsync() : Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task RedeliverAsync()
    {
        if (!Exists || _fenced || _state.State.Status != JobStatus.Scheduled || (_unacked.Count == 0 && _leaseUntil is null)) return;
        var count = _unacked.Count;
        try
        {
            // The lease goes to wherever the partition's worker lives now (a no-op where it already is).
            if (_leaseUntil is not null) await GrantLeaseAsync();
            if (count > 0) await SendAgainAsync(count);
            _redeliveryAttempts = 0;
            LogRedelivered(_logger, JobId, count);
        }
        catch (Exception ex) when (++_redeliveryAttempts < MaxRedeliveryAttempts || _leaseUntil > _time.GetUtcNow())
        {
            // The worker may still be registered on the dead silo for a moment (directory lease): try again shortly; a
            // lease is granted again for as long as it lasts (until then nothing else would take it to a live worker).
            LogRedeliveryRetry(_logger, ex, JobId, _redeliveryAttempts);
            _redeliveryTimer?.Dispose();
            _redeliveryTimer = this.RegisterGrainTimer(() => RedeliverAsync(), new GrainTimerCreationOptions
            {
                DueTime = RedeliveryRetryDelay,
                Period = Timeout.InfiniteTimeSpan,
            });
        }
    }

    /// <inheritdoc />
    public async Task HandOffAsync()
    {
        if (Exists && !_fenced && _owns) await TryWriteAsync();
        CancelWheelEntry();
        _fenced = true; // this activation dispatches nothing more; it was not fenced, but it must not write again
        _handedOff = true;
        DeactivateOnIdle();
    }
}
