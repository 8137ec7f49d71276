namespace OrleansScheduler.Grains.Hosting;

/// <summary>How a silo schedules and runs jobs. Bound from the <c>Scheduler</c> configuration section.</summary>
public sealed class SchedulerOptions
{
    /// <summary>Configuration section these options bind from.</summary>
    public const string SectionName = "Scheduler";

    /// <summary>
    /// How long before its instant an execution is handed to its worker. Must cover the stream hop's tail
    /// (2–5 poll periods plus <see cref="DispatchLinger"/>) and, when many jobs fall due together, the time to
    /// dispatch all of them: 10,000 one-shots on one instant took about 0.4 s to dispatch on 2 cores. It is
    /// deliberately not a divisor of a second: with a whole second, jobs bunched on the second (cron's habit) would
    /// dispatch the next occurrence in the very millisecond the current one starts. Default 700 ms.
    /// </summary>
    public TimeSpan DispatchLead { get; set; } = TimeSpan.FromMilliseconds(700);

    /// <summary>
    /// One wake of a job dispatches every occurrence due within the lead plus this window, so a fast job wakes a few
    /// times a second rather than once per occurrence. Longer windows mean fewer wakes but more executions held in the
    /// workers' wheels (and taken back on update). With 2 s, 10,000 jobs at 1 Hz used 20 % less CPU per execution and
    /// had a third shorter p99 than with 350 ms (docs/benchmarks.md). Default 2 s.
    /// </summary>
    public TimeSpan DispatchWindow { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Occurrences whose dispatch time is within this window are armed on the silo's timing wheel; later ones
    /// only hold an entry in the far-horizon wake index (stored; it wakes the job half this window before the dispatch
    /// time) and the job deactivates. Default 2 min; at least 1 s.
    /// </summary>
    public TimeSpan NearHorizon { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How far ahead a recurring job that fires at least twice in this span leases its schedule to its worker, which
    /// then fires the occurrences itself on its silo's wheel and reports back with each renewal:
    /// the job grain is touched a few times per lease instead of twice per occurrence (no stream hop, no call per
    /// occurrence). The job renews the lease when half of it is left. At most <see cref="NearHorizon"/> is used.
    /// Zero turns leases off: every occurrence is dispatched by its job. Default 2 min (the default near horizon): the
    /// longer the lease, the less often its job grain is touched, which is what decides the garbage collector's young
    /// pauses at high rates (10,000 jobs at 1 Hz: p99 3.2 ms with 2 min, 8–11 ms with 30 s; docs/benchmarks.md).
    /// Update, pause and delete revoke a lease before they return, whatever its length.
    /// </summary>
    public TimeSpan LeaseLength { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The longest a worker keeps a lease's progress and outcomes before it reports them to the job on its own. Each
    /// renewal (when half the lease is left) carries the report back with it, so with the default a job that renews in
    /// time gets no separate report: each report touches the job grain, which the garbage collector pays for (10,000 jobs
    /// at 1 Hz: p99 12 ms with a report every 14 s, 16–17 ms every 5 s; docs/benchmarks.md). Reads collect what is not
    /// reported yet; what a survivor must not run again after the worker's silo died is known from the partition's
    /// ledger, stored every second; a lease whose schedule has ended reports at once (the job completes on it).
    /// At most <see cref="LeaseLength"/>. Default (null): the lease length, so that only a lease whose job stopped
    /// renewing reports on its own.
    /// </summary>
    public TimeSpan? LeaseReportInterval { get; set; }

    /// <summary>The report interval in force: <see cref="LeaseReportInterval"/>, or the lease length when it is not set.</summary>
    internal TimeSpan EffectiveLeaseReportInterval => LeaseReportInterval ?? (LeaseLength > TimeSpan.Zero ? LeaseLength : TimeSpan.FromSeconds(30));

    /// <summary>
    /// The dispatched-through watermark is persisted when it has moved this far ahead of the stored one, so a fast
    /// job writes once per block instead of once per occurrence. After a crash at most this window is redelivered
    /// (same ExecutionIds). Default 5 s; zero persists every dispatch.
    /// </summary>
    public TimeSpan WatermarkBlock { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Period of the durable reminder that wakes a near job if its silo died (a job whose schedule is leased has none: see
    /// <c>JobGrain.ReminderWanted</c>). Default 1 min (the Orleans minimum). A job's first
    /// tick comes half a period to one and a half periods after it registers (by job id), so jobs created together tick
    /// at different moments of the period.
    /// </summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>An occurrence more than this late when it is dispatched counts as missed and follows the job's misfire policy. Default 5 s.</summary>
    public TimeSpan MisfireThreshold { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// An occurrence whose final outcome has not come back this long after its instant is sent again, straight to its
    /// worker (which drops it if it already has it): what a stream stall or a lost worker would otherwise delay or lose
    /// runs at most about this late (up to one and a half times it: a job wake planned within half of it after the
    /// overdue point serves the redelivery too). Default 2 s.
    /// </summary>
    public TimeSpan RedeliverAfter { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The oldest missed occurrence <see cref="OrleansScheduler.Jobs.MisfirePolicy.FireAll"/> still fires. Default 1 h.</summary>
    public TimeSpan CatchUpWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Most executions one dispatch of one job hands over at once. Default 1,000.</summary>
    public int MaxBatch { get; set; } = 1_000;

    /// <summary>Number of worker partitions (worker grains, one stream each); jobs map to them by a hash of their id. Default 16.</summary>
    public int Partitions { get; set; } = 16;

    /// <summary>Executions one silo runs at once; beyond it they queue, higher priority first. Default 256.</summary>
    public int MaxConcurrency { get; set; } = 256;

    /// <summary>Outcomes each job keeps in its history. Default 50.</summary>
    public int HistorySize { get; set; } = 50;

    /// <summary>
    /// How long a job keeps new outcomes in memory before writing its history (one write covers every outcome
    /// meanwhile; a crash loses at most this much history, never a job or its schedule). Each job waits between half of
    /// it and all of it, fixed by its id, so that jobs created together do not write together. Default 30 s.
    /// </summary>
    public TimeSpan HistoryFlushDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Publish every outcome on the execution-event stream clients can watch. Default true.</summary>
    public bool PublishExecutionEvents { get; set; } = true;

    /// <summary>
    /// How long a dispatch waits to gather executions of other jobs for the same partition into one stream event.
    /// Part of the lead: keep it well below <see cref="DispatchLead"/>. Default 20 ms.
    /// </summary>
    public TimeSpan DispatchLinger { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>How long execution events wait to be published together. Default 100 ms.</summary>
    public TimeSpan EventsLinger { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Queues of the in-memory stream provider (embedded mode). Default 8.</summary>
    public int StreamQueues { get; set; } = 8;

    /// <summary>How often stream pulling agents poll their queue; bounds the stream hop's latency. Default 20 ms.</summary>
    public TimeSpan StreamPollPeriod { get; set; } = TimeSpan.FromMilliseconds(20);
}
