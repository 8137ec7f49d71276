using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Benchmarks.Micro.Schedules;

/// <summary>
/// <see cref="ScheduleCalculator.Compile"/> (parse: Cronos for cron, plus the zone lookup for a zoned cron) and
/// <see cref="CompiledSchedule.NextAfter"/> (what a job grain asks on every arm) for the three schedule shapes the
/// scheduler is tuned for: a seconds cron in UTC, a daily cron in Europe/London (DST-aware) and a 100 ms interval.
/// </summary>
/// <remarks>
/// NextAfter is asked for 1,024 seeded instants spread over 2026 (both DST changes included), cycled, so neither a
/// single cached answer nor a walk into the far future is measured.
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ScheduleCalculatorBenchmarks
{
    private const int InstantMask = 1023;

    private static readonly DateTimeOffset CreatedAt = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly ScheduleSpec CronSecondsUtc = ScheduleSpec.Cron("*/5 * * * * *");
    private static readonly ScheduleSpec CronLondon = ScheduleSpec.Cron("0 30 2 * * *", "Europe/London");
    private static readonly ScheduleSpec Interval = ScheduleSpec.Every(TimeSpan.FromMilliseconds(100));

    private readonly DateTimeOffset[] _instants = new DateTimeOffset[InstantMask + 1];
    private CompiledSchedule _cronSecondsUtc = null!;
    private CompiledSchedule _cronLondon = null!;
    private CompiledSchedule _interval = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var year = TimeSpan.FromDays(365).Ticks;
        for (var i = 0; i < _instants.Length; i++)
        {
            _instants[i] = CreatedAt.AddTicks(random.NextInt64(year));
        }

        _cronSecondsUtc = ScheduleCalculator.Compile(CronSecondsUtc, CreatedAt);
        _cronLondon = ScheduleCalculator.Compile(CronLondon, CreatedAt);
        _interval = ScheduleCalculator.Compile(Interval, CreatedAt);
    }

    [Benchmark, BenchmarkCategory("Compile")]
    public CompiledSchedule Compile_CronSecondsUtc() => ScheduleCalculator.Compile(CronSecondsUtc, CreatedAt);

    [Benchmark, BenchmarkCategory("Compile")]
    public CompiledSchedule Compile_CronLondon() => ScheduleCalculator.Compile(CronLondon, CreatedAt);

    [Benchmark, BenchmarkCategory("Compile")]
    public CompiledSchedule Compile_Interval100ms() => ScheduleCalculator.Compile(Interval, CreatedAt);

    [Benchmark, BenchmarkCategory("NextAfter")]
    public DateTimeOffset? NextAfter_CronSecondsUtc() => _cronSecondsUtc.NextAfter(NextInstant());

    [Benchmark, BenchmarkCategory("NextAfter")]
    public DateTimeOffset? NextAfter_CronLondon() => _cronLondon.NextAfter(NextInstant());

    [Benchmark, BenchmarkCategory("NextAfter")]
    public DateTimeOffset? NextAfter_Interval100ms() => _interval.NextAfter(NextInstant());

    private DateTimeOffset NextInstant() => _instants[_next++ & InstantMask];
}
