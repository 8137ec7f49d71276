using OrleansScheduler.Execution;
using OrleansScheduler.Grains.Timing;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Grains.Workers;

/// <summary>
/// One recurring job's schedule as leased to this silo: the next occurrence waits in the wheel, fires, and arms the one
/// after it, until the lease runs out or the cap on runs is reached. It remembers which fired occurrences have not
/// finished yet, so that it can say how far everything has finished (the job's resume point), and keeps the outcomes
/// since its last report. Fired from thread-pool threads, granted from worker turns, reported from the sweep: one lock.
/// </summary>
/// <remarks>
/// The object lives as long as the lease, so it is old to the garbage collector, and every reference written into an
/// old object is a card the next young collection must scan: with thousands of leases firing every second that made
/// each young pause tens of milliseconds. So what changes per occurrence allocates nothing that lives and writes no new
/// references here: one wheel entry is re-armed after each expiry (<see cref="ITimingWheel.Reschedule"/>), and outcomes
/// are kept as plain values until a report turns them into <see cref="ExecutionOutcome"/>s.
/// </remarks>
internal sealed class LeasedSchedule
{
    private readonly LeaseBook _book;
    private readonly Lock _lock = new();
    private readonly CompiledSchedule _schedule;
    // Fired and not yet counted as finished, in instant order: (instant ticks, finished).
    private readonly List<(long Ticks, bool Done)> _open = [];
    private readonly int _historySize;
    private JobLease _lease;
    // The lease's end (UTC ticks); written under the lock, also read without it.
    private long _untilTicks;
    private DateTimeOffset Until => new(_untilTicks, TimeSpan.Zero);
    // The last occurrence fired, and the occurrences counted through it.
    private DateTimeOffset _cursor;
    private long _count;
    // Occurrences at or before this are not the lease's (the job dispatched them itself).
    private DateTimeOffset _floor;
    private DateTimeOffset _finishedThrough;
    // Occurrences up to this instant (UTC ticks) may also have come from the job itself (delivered while the lease had
    // not fired them yet, or around a grant): those start through the runner's de-duplication. Past it, an occurrence
    // only the lease fires starts without it (no lock, no key to remember per occurrence).
    private long _dedupeThroughTicks;

    // Occurrences counted through _finishedThrough: every fired one but those still open.
    private long FinishedCount => _count - _open.Count;
    // The armed occurrence: a wheel entry whose item carries _armToken, re-armed after each expiry. Disarming cancels it
    // and bumps the token (an expiry already on its way then fires into nothing); the next arming takes a new entry.
    private WheelTimeout? _timeout;
    private ArmWork? _armWork;
    private bool _armed;
    private long _armToken;
    private DateTimeOffset _armedAt;
    private Attempt[]? _attempts;
    private int _attemptsStart;
    private int _attemptsCount;
    private List<string>? _errors;
    private long _succeeded;
    private long _failed;
    private bool _unreported;
    private bool _dropped;

    public LeasedSchedule(LeaseBook book, JobLease lease, int historySize, long nextReportTicks)
    {
        _book = book;
        _lease = lease;
        _historySize = historySize;
        _schedule = ScheduleCalculator.Compile(lease.Schedule, lease.Anchor);
        _untilTicks = lease.Until.UtcTicks;
        _floor = _cursor = _finishedThrough = lease.After;
        _count = lease.Count;
        NextReportTicks = nextReportTicks;
        _dedupeThroughTicks = book.DedupeHorizon();
    }

    public string JobId => _lease.JobId;

    public long Version => _lease.JobVersion;

    public int Partition => _lease.Partition;

    /// <summary>When the sweep sends this lease's next report (UTC ticks).</summary>
    public long NextReportTicks { get; set; }

    /// <summary>The lease ran out a while ago and has nothing left to report: the book may forget it.</summary>
    public bool IsSpent(DateTimeOffset olderThan)
    {
        if (Volatile.Read(ref _untilTicks) >= olderThan.UtcTicks) return false;
        lock (_lock) return Until < olderThan && _open.Count == 0 && !_unreported && !_armed;
    }

    /// <summary>The job extends the lease (same version). A grant that knows of more progress moves the cursor forward.</summary>
    public void Extend(JobLease grant)
    {
        lock (_lock)
        {
            if (_dropped) return;
            // The same version carries the same definition: the lease held stays (its end and start are taken below), and
            // no young object is written into this long-lived one per renewal.
            if (grant.JobVersion != _lease.JobVersion || grant.Partition != _lease.Partition) _lease = grant;
            // A lease that had run out is granted anew: the job dispatched itself meanwhile, and the occurrences it has not
            // heard back from are the grant's too (it starts where everything finished), so both copies meet in the
            // de-duplication for the first lead and window, as after a first grant.
            if (_untilTicks < _book.Now.UtcTicks) _dedupeThroughTicks = Math.Max(_dedupeThroughTicks, _book.DedupeHorizon());
            if (grant.Until > Until) Volatile.Write(ref _untilTicks, grant.Until.UtcTicks);
            if (grant.After > _cursor)
            {
                // The job dispatched up to there itself (a new activation does, before it grants): those are not the
                // lease's, whatever this silo ran of them shows in its de-duplication, and none counts as finished here.
                _floor = _cursor = _finishedThrough = grant.After;
                _count = grant.Count;
                _open.Clear();
                _dedupeThroughTicks = Math.Max(_dedupeThroughTicks, _book.DedupeHorizon());
                Disarm();
            }
            ArmLocked();
        }
    }

    public void Arm()
    {
        lock (_lock) ArmLocked();
    }

    /// <summary>Stops firing (revoked, or the worker left this silo).</summary>
    public void Drop()
    {
        lock (_lock)
        {
            _dropped = true;
            Disarm();
        }
    }

    private void ArmLocked()
    {
        if (_dropped || _armed) return;
        if (_schedule.MaxRuns is { } max && _count >= max) return;
        if (_schedule.NextAfter(_cursor) is not { } next || next > Until) return;
        _armed = true;
        _armedAt = next;
        if (_timeout is null || !_book.Wheel.Reschedule(_timeout, next)) _timeout = _book.Wheel.Schedule(next, new Tick(this, ++_armToken));
    }

    private void Disarm()
    {
        _armed = false;
        _armToken++;
        _timeout?.Cancel();
        _timeout = null;
    }

    private void Fire(long token)
    {
        DateTimeOffset due;
        JobLease lease;
        bool dedupe;
        lock (_lock)
        {
            if (_dropped || !_armed || token != _armToken) return;
            _armed = false;
            due = _armedAt;
            dedupe = due.UtcTicks <= _dedupeThroughTicks;
            lease = _lease;
            _cursor = due;
            _count++;
            _open.Add((due.UtcTicks, false));
        }
        // The start comes first, and the next arming waits: at an instant where thousands of jobs fire, computing each
        // one's next occurrence between the starts would delay every start after it. In a crowd the lane arms once every
        // occurrence of the crowd has started; otherwise the arming goes to the back of the pool's queue.
        _book.Start(this, lease.OccurrenceAt(due), dedupe);
        if (!WheelLane.TryDefer(static s => ((LeasedSchedule)s).Arm(), this)) ThreadPool.UnsafeQueueUserWorkItem(_armWork ??= new ArmWork(this), preferLocal: false);
    }

    /// <summary>How far this lease has finished, for its partition's ledger.</summary>
    public LeaseProgress Progress()
    {
        lock (_lock) return new LeaseProgress(_lease.JobId, _lease.JobVersion, _floor.UtcTicks, _finishedThrough.UtcTicks, FinishedCount);
    }

    /// <summary>What this lease knows of the occurrence of <paramref name="version"/> at <paramref name="ticks"/>.</summary>
    public LeaseCover Cover(long version, long ticks)
    {
        lock (_lock)
        {
            if (version != _lease.JobVersion || ticks <= _floor.UtcTicks) return LeaseCover.None;
            if (ticks > _cursor.UtcTicks)
            {
                // Not fired yet: the delivery is taken, and the lease's own start of it must meet it in the de-duplication.
                if (ticks > _dedupeThroughTicks) _dedupeThroughTicks = ticks;
                return LeaseCover.None;
            }
            return ticks <= _finishedThrough.UtcTicks ? LeaseCover.Finished : LeaseCover.Fired;
        }
    }

    /// <summary>
    /// Records an attempt's outcome if <paramref name="execution"/> is an occurrence this lease fired and has not seen
    /// finish (a final outcome finishes it); false when it is not this lease's.
    /// </summary>
    public bool TryRecord(Execution.Execution execution, long startedTicks, long finishedTicks, ExecutionStatus status, string? error, bool isFinal)
    {
        if (execution.JobVersion != Version || execution.ScheduledAt <= _floor) return false;
        var ticks = execution.ScheduledAt.UtcTicks;
        lock (_lock)
        {
            // A dropped lease has sent its last report: the outcome goes to the job on its own.
            if (_dropped) return false;
            var open = false;
            foreach (var (openTicks, done) in _open)
            {
                if (openTicks != ticks) continue;
                open = !done;
                break;
            }
            if (!open) return false;
            if (_historySize > 0)
            {
                // A ring of the newest attempts, allocated once.
                _attempts ??= new Attempt[_historySize];
                var at = (_attemptsStart + _attemptsCount) % _attempts.Length;
                // Errors are rare: they go to a side list, so that the ring itself holds no references at all.
                var errorAt = -1;
                if (error is not null)
                {
                    (_errors ??= []).Add(error);
                    errorAt = _errors.Count - 1;
                }
                _attempts[at] = new Attempt(ticks, startedTicks, finishedTicks, execution.Attempt, status, isFinal, errorAt);
                if (_attemptsCount < _attempts.Length) _attemptsCount++;
                else _attemptsStart = (_attemptsStart + 1) % _attempts.Length;
            }
            _unreported = true;
            if (!isFinal) return true;
            if (status == ExecutionStatus.Succeeded) _succeeded++;
            else _failed++;
            FinishLocked(ticks);
            return true;
        }
    }

    /// <summary>The occurrence at <paramref name="scheduledAt"/> had already run here (a redelivery of the job's): it counts as finished.</summary>
    public void Finished(DateTimeOffset scheduledAt)
    {
        lock (_lock) FinishLocked(scheduledAt.UtcTicks);
    }

    private void FinishLocked(long ticks)
    {
        for (var i = 0; i < _open.Count; i++)
        {
            if (_open[i].Ticks != ticks) continue;
            _open[i] = (ticks, true);
            break;
        }
        var finished = 0;
        while (finished < _open.Count && _open[finished].Done) finished++;
        if (finished == 0) return;
        _finishedThrough = new DateTimeOffset(_open[finished - 1].Ticks, TimeSpan.Zero);
        _open.RemoveRange(0, finished);
        _unreported = true;
        // The schedule has ended (cap on runs, end bound) and everything finished: the job completes on this report, so
        // it goes with the next sweep rather than at the report interval.
        if (_open.Count == 0 && ((_schedule.MaxRuns is { } max && _count >= max) || _schedule.NextAfter(_cursor) is null)) _book.ReportSoon(this);
    }

    /// <summary>How far the lease has finished, without outcomes (nothing counts as reported).</summary>
    public LeaseReport ProgressReport()
    {
        lock (_lock)
        {
            return new LeaseReport { JobId = _lease.JobId, JobVersion = _lease.JobVersion, FinishedThrough = _finishedThrough, FinishedCount = FinishedCount };
        }
    }

    /// <summary>What happened since the last report, or null when nothing did; what it returns counts as reported.</summary>
    public LeaseReport? TakeReport()
    {
        lock (_lock)
        {
            if (!_unreported) return null;
            var report = new LeaseReport
            {
                JobId = _lease.JobId,
                JobVersion = _lease.JobVersion,
                FinishedThrough = _finishedThrough,
                FinishedCount = FinishedCount,
                Outcomes = TakeOutcomes(),
                Succeeded = _succeeded,
                Failed = _failed,
            };
            _succeeded = _failed = 0;
            _unreported = false;
            return report;
        }
    }

    // The outcomes packed without the job id (the report names it once).
    private byte[]? TakeOutcomes()
    {
        if (_attemptsCount == 0) return null;
        var packer = new OutcomePacker();
        for (var i = 0; i < _attemptsCount; i++)
        {
            var a = _attempts![(_attemptsStart + i) % _attempts.Length];
            packer.Add(string.Empty, a.ScheduledTicks, a.StartedTicks, a.FinishedTicks, a.Number, a.Status, a.IsFinal, manual: false, _book.Silo,
                _lease.JobVersion, a.Error >= 0 ? _errors![a.Error] : null);
        }
        _attemptsStart = _attemptsCount = 0;
        _errors?.Clear();
        return packer.ToArray();
    }

    // One attempt's outcome as plain values: writing it into the ring marks no card for the collector to scan (even a
    // reference to an old string does, with the runtime's coarse write barrier). Error: an index into _errors, or -1.
    private readonly record struct Attempt(long ScheduledTicks, long StartedTicks, long FinishedTicks, int Number, ExecutionStatus Status,
        bool IsFinal, int Error);

    private sealed class ArmWork(LeasedSchedule schedule) : IThreadPoolWorkItem
    {
        public void Execute() => schedule.Arm();
    }

    // The wheel entry of one arming: it points at the schedule, which never points back.
    private sealed class Tick(LeasedSchedule schedule, long token) : IPooledWheelItem, IThreadPoolWorkItem
    {
        // The driver thread only hands over: the next occurrence is armed and the execution started on the pool (in a
        // crowd, a lane calls Run).
        public void OnExpired()
        {
            schedule._book.Handed();
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        public void Execute()
        {
            schedule._book.Taken();
            Run();
        }

        public void Run()
        {
            schedule.Fire(token);
        }
    }
}

/// <summary>What a worker's leases know of an occurrence delivered to it by its job.</summary>
internal enum LeaseCover
{
    /// <summary>Not the lease's, or not fired by it yet: the delivery is taken as usual.</summary>
    None,

    /// <summary>The lease fired it and it has not finished: the lease reports it.</summary>
    Fired,

    /// <summary>It finished under the lease (here, or on the partition's previous silo per its ledger).</summary>
    Finished,
}
