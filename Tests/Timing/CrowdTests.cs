using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansScheduler.Grains.Hosting;
using OrleansScheduler.Grains.Timing;
using Xunit;

namespace OrleansScheduler.Tests.Timing;

/// <summary>
/// Crowds on the system clock: many pool items due at one instant go to pool threads together (one lane per core),
/// each runs once and none early, cancelled ones never run, and work a lane keeps for later runs after its items.
/// </summary>
public sealed class CrowdTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Crowd_OfPoolItemsDueAtOneInstant_RunsEachOnceOnThePool_NoneEarly_WithTheOthersDueThen()
    {
        using var driver = CreateDriver();
        var due = TimeProvider.System.GetUtcNow().AddMilliseconds(300);
        var crowd = Enumerable.Range(0, 2_000).Select(_ => new PoolItem()).ToList();
        var others = Enumerable.Range(0, 20).Select(_ => new RecordingWheelItem(TimeProvider.System)).ToList();
        foreach (var item in crowd) driver.Schedule(due, item);
        foreach (var item in others) driver.Schedule(due, item);

        await Task.WhenAll(crowd.Select(i => i.Ran).Concat(others.Select(o => (Task)o.Fired))).WaitAsync(Bound);

        Assert.All(crowd, i => Assert.True(i.Ran.Result >= due, $"ran early: due {due:O}, ran {i.Ran.Result:O}"));
        Assert.All(crowd, i => Assert.Equal(1, i.RunCount));
        Assert.All(crowd, i => Assert.Equal(0, i.ExpiredCount));
        Assert.All(crowd, i => Assert.True(i.OnPoolThread, "a crowd's item ran off the thread pool"));
        Assert.All(others, o => Assert.True(o.Fired.Result >= due && o.FireCount == 1));
        await PollAsync(() => driver.Count == 0 && driver.PendingRuns == 0, "the driver's counts did not return to zero");
    }

    [Fact]
    public async Task Crowd_ItemsCancelledAfterTheDriverCollectedThem_NeverRun_TheRestRunOnce()
    {
        using var driver = CreateDriver();
        var due = TimeProvider.System.GetUtcNow().AddMilliseconds(300);
        var crowd = Enumerable.Range(0, 1_000).Select(_ => new PoolItem()).ToList();
        var timeouts = crowd.Select(i => driver.Schedule(due, i)).ToList();

        // 2 ms before the instant: collected (WheelOptions.CollectAhead, 50 ms) and, for some, already with the lanes
        // (1 ms ahead) by the time the loop gets to them.
        while (TimeProvider.System.GetUtcNow() < due.AddMilliseconds(-2)) Thread.SpinWait(100);
        var cancelled = timeouts.Select((t, n) => n % 2 == 0 && t.Cancel()).ToList();

        // A cancel that lost (the test thread was held up past the instant) found its item fired: it runs once.
        await Task.WhenAll(crowd.Where((_, n) => !cancelled[n]).Select(i => i.Ran)).WaitAsync(Bound);
        await PollAsync(() => driver.Count == 0 && driver.PendingRuns == 0, "the driver's counts did not return to zero");
        Assert.All(crowd.Where((_, n) => cancelled[n]), i => Assert.Equal(0, i.RunCount));
        Assert.All(crowd.Where((_, n) => !cancelled[n]), i => Assert.Equal(1, i.RunCount));
    }

    [Fact]
    public async Task WorkALaneKeeps_RunsOnce_OnItsThread_AfterEveryItemThatThreadRan()
    {
        using var driver = CreateDriver();
        var due = TimeProvider.System.GetUtcNow().AddMilliseconds(300);
        var order = new ConcurrentQueue<(int Thread, bool Deferred, int Item)>();
        var deferredRuns = new int[1_000];
        var keptOnLane = 0;
        var items = Enumerable.Range(0, deferredRuns.Length).Select(n => new PoolItem(() =>
        {
            order.Enqueue((Environment.CurrentManagedThreadId, false, n));
            if (WheelLane.TryDefer(_ => { Interlocked.Increment(ref deferredRuns[n]); order.Enqueue((Environment.CurrentManagedThreadId, true, n)); }, order))
            {
                Interlocked.Increment(ref keptOnLane);
            }
        })).ToList();
        foreach (var item in items) driver.Schedule(due, item);

        await Task.WhenAll(items.Select(i => i.Ran)).WaitAsync(Bound);
        await PollAsync(() => deferredRuns.All(r => r == 1), "work kept on a lane did not run once for every item");

        Assert.Equal(items.Count, keptOnLane);
        Assert.False(WheelLane.TryDefer(_ => { }, order));
        foreach (var thread in order.GroupBy(o => o.Thread))
        {
            var sequence = thread.ToList();
            var lastRun = sequence.FindLastIndex(o => !o.Deferred);
            var firstKept = sequence.FindIndex(o => o.Deferred);
            Assert.True(firstKept < 0 || firstKept > lastRun, $"thread {thread.Key} ran kept work before one of its items");
            Assert.Equal(sequence.Where(o => !o.Deferred).Select(o => o.Item).Order(), sequence.Where(o => o.Deferred).Select(o => o.Item).Order());
        }
    }

    [Fact]
    public async Task EntryScheduledInsideTheCollectedStretch_FiresInItsPlace_BeforeALaterOneAlreadyCollected()
    {
        using var driver = CreateDriver();
        var fired = new ConcurrentQueue<string>();
        var later = TimeProvider.System.GetUtcNow().AddMilliseconds(300);
        var laterItem = new RecordingWheelItem(TimeProvider.System, () => fired.Enqueue("later"));
        driver.Schedule(later, laterItem);

        // Collected 50 ms ahead (WheelOptions.CollectAhead): 3 ms before it, schedule one due 2 ms before it.
        while (TimeProvider.System.GetUtcNow() < later.AddMilliseconds(-3)) Thread.SpinWait(100);
        var earlier = later.AddMilliseconds(-2);
        var earlierItem = new RecordingWheelItem(TimeProvider.System, () => fired.Enqueue("earlier"));
        driver.Schedule(earlier, earlierItem);

        await Task.WhenAll(laterItem.Fired, earlierItem.Fired).WaitAsync(Bound);
        Assert.Equal(["earlier", "later"], fired.ToArray());
        var (earlierAt, laterAt) = (await earlierItem.Fired, await laterItem.Fired);
        Assert.True(earlierAt >= earlier, $"fired early: due {earlier:O}, fired {earlierAt:O}");
        Assert.True(laterAt >= later, $"fired early: due {later:O}, fired {laterAt:O}");
    }

    [Fact]
    public async Task ManyEntriesScheduledInsideTheCollectedStretch_FireInDueOrder_AmongThoseAlreadyCollected_NoneEarly()
    {
        using var driver = CreateDriver();
        var fired = new ConcurrentQueue<(int Id, DateTimeOffset Due)>();
        var start = TimeProvider.System.GetUtcNow().AddMilliseconds(300);
        var items = new List<(RecordingWheelItem Item, DateTimeOffset Due)>();
        void Add(DateTimeOffset due)
        {
            var id = items.Count;
            var item = new RecordingWheelItem(TimeProvider.System, () => fired.Enqueue((id, due)));
            items.Add((item, due));
            driver.Schedule(due, item);
        }

        // 500 entries 0.1 ms apart over the 50 ms the driver collects ahead; once it has collected them, 500 more at
        // random instants among them (the driver fires these on its own thread, one after another, so in due order).
        for (var n = 0; n < 500; n++) Add(start.AddTicks(n * 1_000));
        while (TimeProvider.System.GetUtcNow() < start.AddMilliseconds(-20)) await Task.Delay(1);
        var random = new Random(7);
        for (var n = 0; n < 500; n++) Add(start.AddTicks(5_000 + random.Next(0, 500 * 1_000)));

        await Task.WhenAll(items.Select(i => (Task)i.Item.Fired)).WaitAsync(Bound);
        var order = fired.ToArray();
        Assert.Equal(items.Count, order.Length);
        Assert.All(items, i => Assert.True(i.Item.Fired.Result >= i.Due, $"fired early: due {i.Due:O}, fired {i.Item.Fired.Result:O}"));
        for (var n = 1; n < order.Length; n++)
        {
            Assert.True(order[n - 1].Due <= order[n].Due, $"fired out of order: {order[n - 1].Due:O} before {order[n].Due:O}");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Crowd_HasTheYoungGenerationCollectedBeforeItsFirstStart_OnlyWhenAsked(bool collectBeforeCrowds)
    {
        using var driver = CreateDriver(new WheelOptions { CollectBeforeCrowds = collectBeforeCrowds });
        var due = TimeProvider.System.GetUtcNow().AddMilliseconds(300);
        var collectionsAtRun = new int[1_000];
        var crowd = Enumerable.Range(0, collectionsAtRun.Length).Select(n => new PoolItem(() => collectionsAtRun[n] = GC.CollectionCount(0))).ToList();
        foreach (var item in crowd) driver.Schedule(due, item);
        var before = GC.CollectionCount(0);

        await Task.WhenAll(crowd.Select(i => i.Ran)).WaitAsync(Bound);

        Assert.Equal(1, driver.Crowds);
        Assert.Equal(collectBeforeCrowds ? 1 : 0, driver.YoungCollections);
        if (collectBeforeCrowds)
        {
            // This process has allocated far more than the 4 MB that makes a collection worth it.
            Assert.All(collectionsAtRun, count => Assert.True(count > before, "an item of the crowd ran before the young collection"));
        }
    }

    private static TimingWheelDriver CreateDriver(WheelOptions? options = null) =>
        new(Options.Create(options ?? new WheelOptions()), TimeProvider.System, NullLogger<TimingWheelDriver>.Instance);

    private static async Task PollAsync(Func<bool> condition, string failure)
    {
        var until = DateTime.UtcNow + Bound;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, failure);
            await Task.Delay(10);
        }
    }

    /// <summary>A pool item that records its run (time, count, thread) and whether the driver fired it alone instead.</summary>
    private sealed class PoolItem(Action? onRun = null) : IPooledWheelItem
    {
        private readonly TaskCompletionSource<DateTimeOffset> _ran = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _runCount;
        private int _expiredCount;

        public Task<DateTimeOffset> Ran => _ran.Task;

        public int RunCount => Volatile.Read(ref _runCount);

        public int ExpiredCount => Volatile.Read(ref _expiredCount);

        public bool OnPoolThread { get; private set; }

        // Alone (not in a crowd) the item goes to the pool by itself, as the scheduler's items do.
        public void OnExpired()
        {
            Interlocked.Increment(ref _expiredCount);
            ThreadPool.UnsafeQueueUserWorkItem(_ => Run(), null);
        }

        public void Run()
        {
            OnPoolThread = Thread.CurrentThread.IsThreadPoolThread;
            Interlocked.Increment(ref _runCount);
            onRun?.Invoke();
            _ran.TrySetResult(TimeProvider.System.GetUtcNow());
        }
    }
}
