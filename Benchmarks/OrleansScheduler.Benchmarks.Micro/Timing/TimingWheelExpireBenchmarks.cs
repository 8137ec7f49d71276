using BenchmarkDotNet.Attributes;
using OrleansScheduler.Grains.Timing;

namespace OrleansScheduler.Benchmarks.Micro.Timing;

/// <summary>
/// Schedule N entries, then drive the clock from the start to 60 s in 1 ms steps (the wheel's tick, as the driver does
/// when busy), collecting every expired entry: per entry, the whole life of a timeout that fires. The stepping cost is
/// spread over the entries, so for a sparse N = 1,000 (one entry per 60 ms) it dominates for both structures.
/// </summary>
/// <remarks>
/// <see cref="System.Threading.Timer"/> firing happens on the runtime's timer thread and cannot be driven or timed by
/// BenchmarkDotNet, so its row creates N timers due now (<see cref="TimeSpan.Zero"/>) and disposes them: create +
/// dispose only, a lower bound of its real cost (some may fire on the thread pool before being disposed; the
/// callback is empty).
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class TimingWheelExpireBenchmarks : DelayQueueBenchmark
{
    private static readonly long Step = TimeSpan.FromMilliseconds(1).Ticks;

    private TimingWheel<object>[] _wheels = [];
    private PriorityQueueDelayQueue<object>[] _queues = [];
    private Timer[] _timers = [];
    private List<object> _expired = [];
    private int _fired;

    [GlobalSetup]
    public void Setup()
    {
        CreateWorkload();
        _expired = new List<object>(N);
        _timers = new Timer[N];
    }

    [IterationSetup(Target = nameof(Wheel))]
    public void SetupWheels() => _wheels = NewWheels();

    [IterationSetup(Target = nameof(PriorityQueue))]
    public void SetupQueues() => _queues = NewQueues();

    // Only so the timer row runs with the same one-invocation job as the others (an iteration setup forces it).
    [IterationSetup(Target = nameof(ThreadingTimer))]
    public void SetupTimers() => Array.Clear(_timers);

    [IterationCleanup(Targets = [nameof(Wheel), nameof(PriorityQueue)])]
    public void CheckAllFired()
    {
        // A benchmark that silently fired nothing would look fast: every entry must have come out exactly once.
        if (_fired != OpsPerInvoke)
        {
            throw new InvalidOperationException($"{_fired} of {OpsPerInvoke} entries expired.");
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = OpsPerInvoke)]
    public int Wheel()
    {
        var end = StartTicks + Spread.Ticks;
        _fired = 0;
        foreach (var wheel in _wheels)
        {
            for (var i = 0; i < DueTicks.Length; i++)
            {
                wheel.Schedule(DueTicks[i], Items[i]);
            }

            for (var now = StartTicks + Step; now <= end; now += Step)
            {
                wheel.Advance(now, _expired);
            }

            _fired += _expired.Count;
            _expired.Clear();
        }

        return _fired;
    }

    [Benchmark(OperationsPerInvoke = OpsPerInvoke)]
    public int PriorityQueue()
    {
        var end = StartTicks + Spread.Ticks;
        _fired = 0;
        foreach (var queue in _queues)
        {
            for (var i = 0; i < DueTicks.Length; i++)
            {
                queue.Schedule(DueTicks[i], Items[i]);
            }

            for (var now = StartTicks + Step; now <= end; now += Step)
            {
                queue.Advance(now, _expired);
            }

            _fired += _expired.Count;
            _expired.Clear();
        }

        return _fired;
    }

    [Benchmark(OperationsPerInvoke = OpsPerInvoke)]
    public int ThreadingTimer()
    {
        for (var s = 0; s < Structures; s++)
        {
            for (var i = 0; i < _timers.Length; i++)
            {
                _timers[i] = new Timer(NoOp, Items[i], TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            }

            foreach (var timer in _timers)
            {
                timer.Dispose();
            }
        }

        return Structures;
    }
}
