using System.Diagnostics;

namespace OrleansScheduler.Benchmarks.Load.Harness;

/// <summary>Runs one scenario against one target in this process and measures it.</summary>
public sealed class ScenarioRunner(BenchOptions options, ITarget target, TextWriter log)
{
    private readonly LatencyRecorder _recorder = new();
    private readonly GcPauses _gc = new();
    private readonly ThreadCpu _threads = new();
    private long _allocated;
    private double _pausePercent;

    public async Task<LoadResult> RunAsync(CancellationToken cancellationToken)
    {
        await target.StartAsync(_recorder, cancellationToken);
        try
        {
            return options.Scenario switch
            {
                "burst" => await BurstAsync(cancellationToken),
                "idle" => await IdleAsync(cancellationToken),
                _ => await RecurringAsync(cancellationToken),
            };
        }
        finally
        {
            await target.StopAsync();
        }
    }

    // spread, second, knee level, smoke: recurring jobs measured over a window after a warm-up.
    private async Task<LoadResult> RecurringAsync(CancellationToken ct)
    {
        var jobs = options.Jobs;
        var createBudget = TimeSpan.FromSeconds(3 + jobs / 4000.0);
        var start = NextSecond(DateTimeOffset.UtcNow + createBudget);
        var list = Enumerable.Range(0, jobs).Select(i => options.Scenario switch
        {
            "second" => new BenchJob(i, BenchScheduleKind.Cron, start, TimeSpan.FromSeconds(1), "*/1 * * * * *"),
            "knee" or "smoke" => new BenchJob(i, BenchScheduleKind.Interval, start + options.Interval * i / jobs, options.Interval),
            _ => new BenchJob(i, BenchScheduleKind.Interval, start + TimeSpan.FromSeconds(1) * i / jobs, TimeSpan.FromSeconds(1)),
        }).ToList();

        var createRate = await CreateAsync(list, ct);
        var from = Max(start, DateTimeOffset.UtcNow) + options.Warmup;
        var to = from + options.Duration;
        _recorder.SetWindow(from, to, expected: list.Sum(j => j.DueBetween(from, to)));
        await WaitUntilAsync(from, ct);
        var cpuFrom = Process.GetCurrentProcess().TotalProcessorTime;
        var allocatedFrom = GC.GetTotalAllocatedBytes();
        var pauseFrom = GC.GetTotalPauseDuration();
        _gc.Start(from.UtcDateTime);
        _threads.Start();
        await ProgressUntilAsync(to, ct);
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuFrom).TotalSeconds;
        log.WriteLine($"  {_threads.Summary(_recorder.Executed)}");
        _allocated = GC.GetTotalAllocatedBytes() - allocatedFrom;
        _pausePercent = (GC.GetTotalPauseDuration() - pauseFrom).TotalSeconds / options.Duration.TotalSeconds * 100;
        // Late runs of occurrences inside the window still count; give them a grace period.
        await WaitUntilAsync(to + TimeSpan.FromSeconds(2), ct);
        log.WriteLine($"  {_gc.Summary(to.UtcDateTime)}");
        log.WriteLine($"  worst seconds: {_recorder.WorstSeconds(5)}");
        log.WriteLine($"  {_recorder.LateSpread()}");

        var due = list.Sum(j => j.DueBetween(from, to));
        return Result(jobs, options.Duration.TotalSeconds, due, cpu, createRate);
    }

    // J one-shots due at one instant: how long until the last one started.
    private async Task<LoadResult> BurstAsync(CancellationToken ct)
    {
        var jobs = options.Jobs;
        var at = NextSecond(DateTimeOffset.UtcNow + TimeSpan.FromSeconds(5 + jobs / 1500.0));
        var list = Enumerable.Range(0, jobs).Select(i => new BenchJob(i, BenchScheduleKind.Once, at, TimeSpan.Zero)).ToList();
        _recorder.SetWindow(at, at.AddTicks(1), expected: jobs);
        var createRate = await CreateAsync(list, ct);
        if (DateTimeOffset.UtcNow > at) log.WriteLine($"  warning: creation ended {(DateTimeOffset.UtcNow - at).TotalMilliseconds:0} ms after the burst instant");
        await WaitUntilAsync(at, ct);
        var cpuFrom = Process.GetCurrentProcess().TotalProcessorTime;
        var deadline = at + TimeSpan.FromSeconds(60);
        while (_recorder.Executed < jobs && DateTimeOffset.UtcNow < deadline) await Task.Delay(10, ct);
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuFrom).TotalSeconds;
        await Task.Delay(TimeSpan.FromSeconds(1), ct); // duplicates, if any, show up now
        var window = Math.Max(0.001, _recorder.MaxLatenessMs / 1000.0);
        return Result(jobs, window, jobs, cpu, createRate) with { Note = $"last started {_recorder.MaxLatenessMs:0.0} ms after the instant" };
    }

    // J far-future jobs: creation rate, memory per job, and what they cost while idle.
    private async Task<LoadResult> IdleAsync(CancellationToken ct)
    {
        var jobs = options.Jobs;
        var farAway = new DateTimeOffset(DateTimeOffset.UtcNow.Year + 1, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var list = Enumerable.Range(0, jobs).Select(i => new BenchJob(i, BenchScheduleKind.Cron, farAway, TimeSpan.FromDays(365), "0 0 0 1 1 *")).ToList();
        var before = Memory();
        var createRate = await CreateAsync(list, ct);
        log.WriteLine("  letting activations go idle (30 s) ...");
        await Task.Delay(TimeSpan.FromSeconds(30), ct);
        var after = Memory();
        var cpuFrom = Process.GetCurrentProcess().TotalProcessorTime;
        await Task.Delay(TimeSpan.FromSeconds(10), ct);
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuFrom).TotalSeconds;
        var extra = target is IIdleProbe probe ? await probe.DescribeIdleAsync() : "";
        return Result(jobs, 10, 0, cpu, createRate) with
        {
            BytesPerIdleJob = (after - before) / (double)jobs,
            Note = $"idle CPU {cpu / 10 * 100:0.0}% of a core over 10 s; heap {before / 1e6:0} → {after / 1e6:0} MB. {extra}",
        };
    }

    private async Task<double> CreateAsync(IReadOnlyList<BenchJob> jobs, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var last = TimeSpan.Zero;
        var progress = new Progress<int>(n =>
        {
            if (watch.Elapsed - last < TimeSpan.FromSeconds(2) && n < jobs.Count) return;
            last = watch.Elapsed;
            log.WriteLine($"  created {n:N0}/{jobs.Count:N0} ({n / watch.Elapsed.TotalSeconds:N0} jobs/s)");
        });
        await target.CreateAsync(jobs, progress, ct);
        var rate = jobs.Count / watch.Elapsed.TotalSeconds;
        log.WriteLine($"  {jobs.Count:N0} jobs created in {watch.Elapsed.TotalSeconds:0.00} s ({rate:N0} jobs/s)");
        return rate;
    }

    private async Task ProgressUntilAsync(DateTimeOffset until, CancellationToken ct)
    {
        while (DateTimeOffset.UtcNow < until)
        {
            var step = until - DateTimeOffset.UtcNow;
            await Task.Delay(step < TimeSpan.FromSeconds(10) ? step : TimeSpan.FromSeconds(10), ct);
            log.WriteLine($"  {DateTimeOffset.UtcNow:HH:mm:ss} executed {_recorder.Executed:N0}, p99 so far {_recorder.LatenessMs(99):0.00} ms, duplicates {_recorder.Duplicates}");
        }
    }

    private LoadResult Result(int jobs, double seconds, long due, double cpu, double createRate)
    {
        var executed = _recorder.Executed;
        return new LoadResult
        {
            Scenario = options.Scenario,
            Target = target.Name,
            Settings = target.Settings,
            Jobs = jobs,
            WindowSeconds = seconds,
            Due = due,
            Executed = executed,
            Missed = Math.Max(0, due - executed),
            Duplicated = _recorder.Duplicates,
            Early = _recorder.Early,
            P50Ms = _recorder.LatenessMs(50),
            P90Ms = _recorder.LatenessMs(90),
            P99Ms = _recorder.LatenessMs(99),
            P999Ms = _recorder.LatenessMs(99.9),
            MaxMs = _recorder.MaxLatenessMs,
            ExecutionsPerSecond = executed / seconds,
            CpuSeconds = cpu,
            CpuMicrosPerExecution = executed == 0 ? double.NaN : cpu * 1e6 / executed,
            PeakWorkingSetMb = Process.GetCurrentProcess().PeakWorkingSet64 / 1e6,
            AllocatedBytesPerExecution = executed == 0 ? double.NaN : _allocated / (double)executed,
            GcPausePercent = _pausePercent,
            JobsCreatedPerSecond = createRate,
            Distribution = _recorder.Distribution(),
        };
    }

    private static long Memory()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static DateTimeOffset NextSecond(DateTimeOffset t) => new DateTimeOffset(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero).AddSeconds(1);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static async Task WaitUntilAsync(DateTimeOffset instant, CancellationToken ct)
    {
        var wait = instant - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
    }
}

/// <summary>A target that can say what its idle jobs cost (active timers, activations).</summary>
public interface IIdleProbe
{
    Task<string> DescribeIdleAsync();
}
