using BenchmarkDotNet.Attributes;
using OrleansScheduler.Grains.Timing;

namespace OrleansScheduler.Benchmarks.Micro.Timing;

/// <summary>
/// Schedule N entries due within 60 s, per entry: the wheel (O(1) bucket insert), a binary heap (O(log n) sift-up,
/// plus array growth) and one <see cref="System.Threading.Timer"/> per entry (runtime timer queue insert).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class TimingWheelScheduleBenchmarks : DelayQueueBenchmark
{
    private TimingWheel<object>[] _wheels = [];
    private PriorityQueueDelayQueue<object>[] _queues = [];
    private Timer[][] _timers = [];

    [GlobalSetup]
    public void Setup()
    {
        CreateWorkload();
        _timers = [.. Enumerable.Range(0, Structures).Select(_ => new Timer[N])];
    }

    [IterationSetup(Target = nameof(Wheel))]
    public void SetupWheels() => _wheels = NewWheels();

    [IterationSetup(Target = nameof(PriorityQueue))]
    public void SetupQueues() => _queues = NewQueues();

    [IterationCleanup(Target = nameof(ThreadingTimer))]
    public void DisposeTimers()
    {
        foreach (var timers in _timers)
        {
            foreach (var timer in timers)
            {
                timer.Dispose();
            }
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = OpsPerInvoke)]
    public int Wheel()
    {
        var live = 0;
        foreach (var wheel in _wheels)
        {
            for (var i = 0; i < DueTicks.Length; i++)
            {
                wheel.Schedule(DueTicks[i], Items[i]);
            }

            live += wheel.Count;
        }

        return live;
    }

    [Benchmark(OperationsPerInvoke = OpsPerInvoke)]
    public int PriorityQueue()
    {
        var live = 0;
        foreach (var queue in _queues)
        {
            for (var i = 0; i < DueTicks.Length; i++)
            {
                queue.Schedule(DueTicks[i], Items[i]);
            }

            live += queue.Count;
        }

        return live;
    }

    [Benchmark(OperationsPerInvoke = OpsPerInvoke)]
    public int ThreadingTimer()
    {
        foreach (var timers in _timers)
        {
            for (var i = 0; i < timers.Length; i++)
            {
                timers[i] = new Timer(NoOp, Items[i], FarDueTime(i), Timeout.InfiniteTimeSpan);
            }
        }

        return _timers.Length;
    }
}
