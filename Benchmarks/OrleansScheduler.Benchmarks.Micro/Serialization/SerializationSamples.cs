using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OrleansScheduler.Execution;
using OrleansScheduler.Grains.Jobs;
using OrleansScheduler.Jobs;
using ExecutionRecord = OrleansScheduler.Execution.Execution;

namespace OrleansScheduler.Benchmarks.Micro.Serialization;

/// <summary>
/// Deterministic, realistically sized values of what the scheduler persists and sends, and the Orleans serializer
/// with the codecs generated for the Grains and Grains.Interfaces assemblies.
/// </summary>
internal static class SerializationSamples
{
    /// <summary>Outcomes kept in the sample job's history.</summary>
    public const int HistoryEntries = 50;

    /// <summary>Executions in the sample batch.</summary>
    public const int BatchSize = 100;

    private static readonly DateTimeOffset CreatedAt = new(2026, 3, 1, 9, 15, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset FirstRun = new(2026, 3, 2, 6, 0, 0, TimeSpan.Zero);

    private const string Payload = """{"report":"daily-sales","region":"eu-west","format":"parquet","recipients":["ops@example.com","finance@example.com"],"retainDays":30}""";

    /// <summary>A service provider holding only the serializer; dispose it when done.</summary>
    public static ServiceProvider CreateSerializerServices() =>
        new ServiceCollection()
            .AddSerializer(builder => builder
                .AddAssembly(typeof(JobState).Assembly)
                .AddAssembly(typeof(JobDefinition).Assembly))
            .BuildServiceProvider();

    /// <summary>A London-time daily cron job with retries and a JSON payload, 50 runs in (its history is <see cref="JobHistory"/>).</summary>
    public static JobState JobState()
    {
        var definition = new JobDefinition
        {
            Id = "tenant-0042/reports/daily-sales-eu-west",
            Schedule = ScheduleSpec.Cron("0 0 6 * * *", "Europe/London") with { StartAt = CreatedAt, MaxRuns = 10_000 },
            Handler = "log",
            Payload = Payload,
            Priority = 5,
            Timeout = TimeSpan.FromMinutes(2),
            Retry = new RetryPolicy { MaxAttempts = 3, InitialBackoff = TimeSpan.FromSeconds(5), Multiplier = 2, MaxBackoff = TimeSpan.FromMinutes(1) },
            Misfire = MisfirePolicy.FireOnceNow,
        };

        var state = new JobState
        {
            Definition = definition,
            Version = 3,
            Status = JobStatus.Scheduled,
            CreatedAt = CreatedAt,
            UpdatedAt = CreatedAt.AddDays(2),
            DispatchedThrough = FirstRun.AddDays(HistoryEntries - 1),
            DispatchedCount = HistoryEntries,
        };

        return state;
    }

    /// <summary>The outcomes of <see cref="JobState"/>'s first 50 daily runs (every tenth failed after 3 attempts).</summary>
    public static JobHistoryState JobHistory()
    {
        var jobId = JobState().Definition!.Id;
        var history = new JobHistoryState
        {
            Succeeded = HistoryEntries - (HistoryEntries / 10),
            Failed = HistoryEntries / 10,
        };

        for (var day = 0; day < HistoryEntries; day++)
        {
            var scheduledAt = FirstRun.AddDays(day);
            var failed = day % 10 == 9;
            history.History.Add(new ExecutionOutcome
            {
                JobId = jobId,
                ExecutionId = ExecutionIds.For(jobId, scheduledAt),
                ScheduledAt = scheduledAt,
                Attempt = failed ? 3 : 1,
                Status = failed ? ExecutionStatus.Failed : ExecutionStatus.Succeeded,
                StartedAt = scheduledAt.AddMilliseconds(2.5 + (day % 7)),
                FinishedAt = scheduledAt.AddMilliseconds(180 + (day * 13 % 400)),
                Error = failed ? "System.TimeoutException: the warehouse did not answer within 30 s (host dw-eu-west-2)" : null,
                IsFinal = true,
                Silo = $"S10.0.0.{4 + (day % 3)}:11111:1772355600",
                JobVersion = 3,
            });
        }

        return history;
    }

    /// <summary>One execution of a job like <see cref="JobState"/>'s, as a job grain hands it to a worker.</summary>
    public static ExecutionRecord Execution(int job = 0) => new()
    {
        JobId = $"tenant-0042/reports/daily-sales-{job:D4}",
        ScheduledAt = new DateTimeOffset(2026, 3, 2, 6, 0, 0, TimeSpan.Zero),
        JobVersion = 3,
        Attempt = 1,
        Handler = "log",
        Payload = Payload,
        Priority = 5,
        Timeout = TimeSpan.FromMinutes(2),
        Retry = new RetryPolicy { MaxAttempts = 3 },
    };

    /// <summary>A stream event of <see cref="BatchSize"/> executions of distinct jobs due at the same instant.</summary>
    public static ExecutionBatch Batch() => new([.. Enumerable.Range(0, BatchSize).Select(Execution)]);

    /// <summary>Sample names, as used for benchmark method prefixes.</summary>
    public static readonly string[] Names = [nameof(JobState), nameof(JobHistory), nameof(Execution), nameof(Batch)];

    /// <summary>Serialized size in bytes of the sample named by a benchmark's prefix (one of <see cref="Names"/>).</summary>
    public static int SizeOf(Serializer serializer, string sample) => sample switch
    {
        nameof(JobState) => serializer.SerializeToArray(JobState()).Length,
        nameof(JobHistory) => serializer.SerializeToArray(JobHistory()).Length,
        nameof(Execution) => serializer.SerializeToArray(Execution()).Length,
        nameof(Batch) => serializer.SerializeToArray(Batch()).Length,
        _ => throw new ArgumentOutOfRangeException(nameof(sample), sample, "sample must be JobState, JobHistory, Execution or Batch (the benchmark method's prefix)."),
    };
}
