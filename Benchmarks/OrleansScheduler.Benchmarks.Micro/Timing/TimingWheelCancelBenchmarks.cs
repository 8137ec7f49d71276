using BenchmarkDotNet.Attributes;
using OrleansScheduler.Grains.Timing;

namespace OrleansScheduler.Benchmarks.Micro.Timing;

/// <summary>
/// Cancel N pending entries (in scheduling order), per entry: the wheel unlinks from its bucket list, the heap only
/// flips a flag (the entry keeps its slot until it surfaces, so this is the cheapest possible cancel and defers the
/// real cost to expiry), and a <see cref="System.Threading.Timer"/> is disposed (removed from the runtime's timer queue).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class TimingWheelCancelBenchmarks : DelayQueueBenchmark
{
    private TimingWheel<object>[] _wheels = [];
    private WheelEntry<object>[][] _wheelEntries = [];
    private DelayQueueEntry<object>[][] _queueEntries = [];
    private PriorityQueueDelayQueue<object>[] _queues = [];
    private Timer[][] _timers = [];

    [GlobalSetup]
    public void Setup()
    {
        CreateWorkload();
        _wheelEntries = [.. Enumerable.Range(0, Structures).Select(_ => new WheelEntry<object>[N])];
        _queueEntries = [.. Enumerable.Range(0, Structures).Select(_ => new DelayQueueEntry<object>[N])];
        _timers = [.. Enumerable.Range(0, Structures).Select(_ => new Timer[N])];
    }

    [IterationSetup(Target = nameof(Wheel))]
    public void FillWheels()
    {
        _wheels = NewWheels();
        for (var s = 0; s < _wheels.Length; s++)
        {
            for (var i = 0; i < N; i++)
            {
                _wheelEntries[s][i] = _wheels[s].Schedule(DueTicks[i], Items[i]);
            }
        }
    }

    [IterationSetup(Target = nameof(PriorityQueue))]
    public void FillQueues()
    {
        _queues = NewQueues();
        for (var s = 0; s < _queues.Length; s++)
        {
            for (var i = 0; i < N; i++)
            {
                _queueEntries[s][i] = _queues[s].Schedule(DueTicks[i], Items[i]);
            }
        }
    }

    [IterationSetup(Target = nameof(ThreadingTimer))]
    public void CreateTimers()
    {
        foreach (var timers in _timers)
        {
            for (var i = 0; i < timers.Length; i++)
            {
                timers[i] = new Timer(NoOp, Items[i], FarDueTime(i), Timeout.InfiniteTimeSpan);
            }
        }
    }

    [IterationCleanup(Target = nameof(Wheel))]
    public void CheckWheels() => Check(_wheels.Sum(w => w.Count));

    [IterationCleanup(Target = nameof(PriorityQueue))]
    public void CheckQueues() => Check(_queues.Sum(q => q.Count));

    [Benchmark(Baseline = true, OperationsPerInvoke = OpsPerInvoke)]
    public int Wheel()
    {
        var cancelled = 0;
        for (var s = 0; s < _wheels.Length; s++)
        {
            var wheel = _wheels[s];
            foreach (var entry in _wheelEntries[s])
            {
                cancelled += wheel.Cancel(entry) ? 1 : 0;
            }
        }

        return cancelled;
    }

    [Benchmark(OperationsPerInvoke = OpsPerInvoke)]
    public int PriorityQueue()
    {
        var cancelled = 0;
        for (var s = 0; s < _queues.Length; s++)
        {
            var queue = _queues[s];
            foreach (var entry in _queueEntries[s])
            {
                cancelled += queue.Cancel(entry) ? 1 : 0;
            }
        }

        return cancelled;
    }

    [Benchmark(OperationsPerInvoke = OpsPerInvoke)]
    public int ThreadingTimer()
    {
        foreach (var timers in _timers)
        {
            foreach (var timer in timers)
            {
                timer.Dispose();
            }
        }

        return _timers.Length;
    }

    // A benchmark that silently did nothing would look fast: every entry must really be gone.
    private static void Check(int live)
    {
        if (live != 0)
        {
            throw new InvalidOperationException($"{live} entries are still live after cancelling all of them.");
        }
    }
}
