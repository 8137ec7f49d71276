using System.Globalization;
using OrleansScheduler.Benchmarks.Load.Harness;
using Quartz;
using Quartz.Extensibility;

namespace OrleansScheduler.Benchmarks.Load.Targets;

/// <summary>
/// Quartz.NET 4.7.3 in memory (RAMJobStore), in one of three flavours: <c>quartz-default</c> (as shipped),
/// <c>quartz-tuned</c> (a larger thread pool) and <c>quartz-batch</c> (tuned, plus batch trigger acquisition).
/// Every job has its own <see cref="IJobDetail"/> and one trigger; misfire instructions are left at the smart policy.
/// </summary>
public sealed class QuartzTarget : ITarget
{
    // Quartz.NET's store takes a batch as one operation under its lock; 1,000 keeps each lock hold short.
    private const int ScheduleBatchSize = 1000;

    private readonly int _maxConcurrency;
    private readonly int _maxBatchSize;
    private readonly TimeSpan _fireAheadWindow;
    private StandaloneSchedulerFactory? _factory;
    private IScheduler? _scheduler;

    private QuartzTarget(string name, int maxConcurrency, int maxBatchSize, TimeSpan fireAheadWindow)
    {
        Name = name;
        _maxConcurrency = maxConcurrency;
        _maxBatchSize = maxBatchSize;
        _fireAheadWindow = fireAheadWindow;
    }

    /// <summary>Default thread pool (<see cref="ThreadPoolOptions.DefaultMaxConcurrency"/> = 10 jobs at once), one trigger per acquisition.</summary>
    public static QuartzTarget Default() => new("quartz-default", ThreadPoolOptions.DefaultMaxConcurrency, maxBatchSize: 0, TimeSpan.Zero);

    /// <summary>Thread pool raised to 25 concurrent jobs per core, one trigger per acquisition.</summary>
    public static QuartzTarget Tuned() => new("quartz-tuned", TunedConcurrency, maxBatchSize: 0, TimeSpan.Zero);

    /// <summary>
    /// Tuned, plus batch acquisition of up to 100 triggers due within 5 ms of the first. Quartz 4.7.3 refuses a batch
    /// larger than the thread pool at startup (and never acquires more than the idle threads anyway), so it is capped there.
    /// </summary>
    public static QuartzTarget Batch() => new("quartz-batch", TunedConcurrency, maxBatchSize: Math.Min(100, TunedConcurrency), TimeSpan.FromMilliseconds(5));

    private static int TunedConcurrency => Environment.ProcessorCount * 25;

    public string Name { get; }

    public string Settings =>
        $"Quartz.NET 4.7.3 RAMJobStore; threadPool.maxConcurrency={_maxConcurrency}"
        + (_maxConcurrency == ThreadPoolOptions.DefaultMaxConcurrency ? " (default)" : "")
        + (_maxBatchSize == 0
            ? "; batchTriggerAcquisitionMaxCount=default (automatic: 1 for RAMJobStore), fireAheadTimeWindow=0"
            : string.Create(CultureInfo.InvariantCulture, $"; batchTriggerAcquisitionMaxCount={_maxBatchSize}, batchTriggerAcquisitionFireAheadTimeWindow={_fireAheadWindow.TotalMilliseconds:0} ms"))
        + "; misfireThreshold=default (5 s); misfire instruction SmartPolicy (simple repeat-forever → RescheduleNextWithRemainingCount, once → FireNow, cron → FireOnceNow); idleWaitTime=default (30 s)";

    public async Task StartAsync(LatencyRecorder recorder, CancellationToken cancellationToken)
    {
        _factory = QuartzSchedulerBuilder.Create(quartz =>
        {
            quartz.UseInMemoryStore(_ => { });
            quartz.UseDefaultThreadPool(_maxConcurrency);
            // The typed forms of quartz.scheduler.batchTriggerAcquisitionMaxCount and
            // quartz.scheduler.batchTriggerAcquisitionFireAheadTimeWindow; 0 leaves the automatic choice in place.
            quartz.ConfigureScheduler(scheduler =>
            {
                scheduler.InstanceName = Name;
                scheduler.MaxBatchSize = _maxBatchSize;
                scheduler.BatchTriggerAcquisitionFireAheadTimeWindow = _fireAheadWindow;
            });
            // A factory built around the recorder: the job needs it and Quartz must not build it from a container.
            quartz.UseJobFactory(new RecordingJobFactory(new RecordingJob(recorder)));
        }).Build();
        _scheduler = await _factory.GetScheduler(cancellationToken);
        await _scheduler.Start(cancellationToken);
    }

    public async Task CreateAsync(IReadOnlyList<BenchJob> jobs, IProgress<int> progress, CancellationToken cancellationToken)
    {
        var scheduler = _scheduler ?? throw new InvalidOperationException("QuartzTarget: call StartAsync before CreateAsync.");
        var done = 0;
        foreach (var chunk in jobs.Chunk(ScheduleBatchSize))
        {
            var batch = new Dictionary<IJobDetail, IReadOnlyCollection<ITrigger>>(chunk.Length);
            foreach (var job in chunk)
            {
                var detail = JobBuilder.Create<RecordingJob>().WithIdentity(job.Id).Build();
                batch[detail] = [Trigger(job, detail)];
            }
            await scheduler.ScheduleJobs(batch, default, cancellationToken);
            done += chunk.Length;
            progress.Report(done);
        }
    }

    public async Task StopAsync()
    {
        if (_scheduler is { } scheduler && scheduler.Status != SchedulerStatus.Shutdown)
            await scheduler.Shutdown(waitForJobsToComplete: true, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_factory is not null) await _factory.DisposeAsync();
        _factory = null;
        _scheduler = null;
    }

    private static ITrigger Trigger(BenchJob job, IJobDetail detail)
    {
        var trigger = TriggerBuilder.Create().WithIdentity(job.Id).ForJob(detail);
        return job.Kind switch
        {
            BenchScheduleKind.Interval => trigger.StartAt(job.FirstAt)
                .WithSchedule(SimpleScheduleBuilder.Create().WithInterval(job.Period).RepeatForever()).Build(),
            BenchScheduleKind.Cron => trigger.StartNow()
                .WithSchedule(CronScheduleBuilder.Create(QuartzCron(job.Cron)).InTimeZone(TimeZoneInfo.Utc)).Build(),
            _ => trigger.StartAt(job.FirstAt).WithSchedule(SimpleScheduleBuilder.Create().WithRepeatCount(0)).Build(),
        };
    }

    /// <summary>
    /// Turns the harness' six-field cron (Cronos style: seconds first, <c>*</c> allowed in both day fields) into Quartz's
    /// dialect, where exactly one of day-of-month and day-of-week is <c>?</c>: <c>*/1 * * * * *</c> → <c>*/1 * * * * ?</c>.
    /// </summary>
    internal static string QuartzCron(string? cron)
    {
        var fields = (cron ?? throw new ArgumentNullException(nameof(cron), "a cron job needs BenchJob.Cron")).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 6)
            throw new ArgumentException($"cron '{cron}' has {fields.Length} fields; expected six (seconds first).", nameof(cron));
        if (fields[5] == "*")
            fields[5] = "?";
        else if (fields[3] == "*")
            // Day-of-week numbering differs (Cronos 0-6 from Sunday, Quartz 1-7), so only names pass through unchanged.
            fields[3] = fields[5].Any(char.IsDigit)
                ? throw new NotSupportedException($"cron '{cron}': numeric day-of-week '{fields[5]}' is not translated to Quartz; use SUN-SAT.")
                : "?";
        else
            throw new NotSupportedException($"cron '{cron}': Quartz cannot restrict both day-of-month '{fields[3]}' and day-of-week '{fields[5]}'.");
        return string.Join(' ', fields);
    }

    // Stateless and thread-safe, so one instance serves every firing.
    private sealed class RecordingJob(LatencyRecorder recorder) : IJob
    {
        public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
        {
            recorder.Record(BenchJob.IndexOf(context.JobDetail.Key.Name), context.ScheduledFireTimeUtc ?? context.FireTimeUtc, DateTimeOffset.UtcNow);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class RecordingJobFactory(RecordingJob job) : IJobFactory
    {
        public ValueTask<JobScope> CreateJob(TriggerFiredBundle bundle, IScheduler scheduler, CancellationToken cancellationToken = default)
            => ValueTask.FromResult(new JobScope(job, null));

        public ValueTask ReturnJob(JobScope scope, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    }
}
