using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OrleansScheduler.Grains.Hosting;
using OrleansScheduler.Grains.Timing;
using Xunit;

namespace OrleansScheduler.Tests.Timing;

public sealed class TimingWheelDriverTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly TimingWheelDriver _driver;

    public TimingWheelDriverTests()
    {
        _driver = CreateDriver(_time);
    }

    public void Dispose() => _driver.Dispose();

    [Fact]
    public async Task Schedule_DueEntry_FiresAfterClockReachesItNotBefore()
    {
        var item = new RecordingWheelItem(_time);
        var dueAt = _time.GetUtcNow().AddMilliseconds(100);
        var timeout = _driver.Schedule(dueAt, item);

        _time.Advance(TimeSpan.FromMilliseconds(99));
        await FlushAsync();
        Assert.Equal(0, item.FireCount);
        Assert.False(timeout.IsExpired);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(dueAt, await item.Fired.WaitAsync(Timeout));
        Assert.True(timeout.IsExpired);
        Assert.Equal(1, item.FireCount);
    }

    [Fact]
    public async Task Reschedule_AfterExpiry_FiresAgainAtTheNewTime_AndOnlyAfterExpiry()
    {
        var fired = 0;
        var item = new RecordingWheelItem(_time, () => Interlocked.Increment(ref fired));
        var timeout = _driver.Schedule(_time.GetUtcNow().AddMilliseconds(10), item);
        Assert.False(_driver.Reschedule(timeout, _time.GetUtcNow().AddMilliseconds(5))); // still pending: refused
        _time.Advance(TimeSpan.FromMilliseconds(10));
        await item.Fired.WaitAsync(Timeout);
        Assert.True(timeout.IsExpired);

        Assert.True(_driver.Reschedule(timeout, _time.GetUtcNow().AddMilliseconds(50)));
        Assert.Equal(1, _driver.Count);
        _time.Advance(TimeSpan.FromMilliseconds(49));
        await FlushAsync();
        Assert.Equal(1, Volatile.Read(ref fired));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await WaitUntilAsync(() => Volatile.Read(ref fired) == 2);
        Assert.True(timeout.IsExpired);
        Assert.Equal(0, _driver.Count);

        // Cancelled entries stay cancelled: a reschedule is refused and nothing fires.
        Assert.True(_driver.Reschedule(timeout, _time.GetUtcNow().AddMilliseconds(20)));
        Assert.True(timeout.Cancel());
        Assert.False(_driver.Reschedule(timeout, _time.GetUtcNow().AddMilliseconds(30)));
        _time.Advance(TimeSpan.FromMilliseconds(40));
        await FlushAsync();
        Assert.Equal(2, Volatile.Read(ref fired));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met");
            await Task.Delay(5);
        }
    }

    [Fact]
    public async Task Schedule_PastDueTime_FiresWithoutClockAdvance()
    {
        var item = new RecordingWheelItem(_time);

        _driver.Schedule(_time.GetUtcNow().AddHours(-1), item);

        await item.Fired.WaitAsync(Timeout);
        Assert.Equal(1, item.FireCount);
    }

    [Fact]
    public async Task Schedule_EarlierEntryWhileDriverSleeps_WakesDriver()
    {
        var late = new RecordingWheelItem(_time);
        var early = new RecordingWheelItem(_time);
        _driver.Schedule(_time.GetUtcNow().AddHours(1), late);
        await FlushAsync();

        _driver.Schedule(_time.GetUtcNow().AddMilliseconds(5), early);
        await FlushAsync();
        _time.Advance(TimeSpan.FromMilliseconds(5));

        await early.Fired.WaitAsync(Timeout);
        Assert.Equal(0, late.FireCount);
    }

    [Fact]
    public async Task Cancel_BeforeDue_PreventsFiring()
    {
        var item = new RecordingWheelItem(_time);
        var timeout = _driver.Schedule(_time.GetUtcNow().AddMilliseconds(50), item);
        await FlushAsync();

        Assert.True(timeout.Cancel());
        Assert.False(timeout.Cancel());
        Assert.Equal(0, _driver.Count);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        await FlushAsync();

        Assert.Equal(0, item.FireCount);
        Assert.True(timeout.IsCancelled);
        Assert.False(timeout.IsExpired);
    }

    [Fact]
    public async Task Cancel_AfterExpiry_ReturnsFalse()
    {
        var item = new RecordingWheelItem(_time);
        var timeout = _driver.Schedule(_time.GetUtcNow(), item);
        await item.Fired.WaitAsync(Timeout);

        Assert.False(timeout.Cancel());
        Assert.False(timeout.IsCancelled);
    }

    [Fact]
    public async Task Schedule_FromManyThreadsConcurrently_FiresEachOnce()
    {
        const int Threads = 8;
        const int PerThread = 500;
        var start = _time.GetUtcNow();
        var items = new RecordingWheelItem[Threads * PerThread];
        var timeouts = new WheelTimeout[items.Length];
        using var gate = new Barrier(Threads);

        await Task.WhenAll(Enumerable.Range(0, Threads).Select(t => Task.Factory.StartNew(
            () =>
            {
                var random = new Random(t);
                gate.SignalAndWait();
                for (var i = t * PerThread; i < (t + 1) * PerThread; i++)
                {
                    items[i] = new RecordingWheelItem(_time);
                    timeouts[i] = _driver.Schedule(start.AddMilliseconds(random.Next(-10, 2_000)), items[i]);
                }
            },
            TaskCreationOptions.LongRunning))).WaitAsync(Timeout);

        for (var i = 0; i < 25; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        await Task.WhenAll(items.Select(i => i.Fired)).WaitAsync(Timeout);
        await FlushAsync();
        Assert.All(items, i => Assert.Equal(1, i.FireCount));
        Assert.All(timeouts, (t, i) => Assert.True(items[i].Fired.Result >= t.DueAt));
        Assert.Equal(0, _driver.Count);
    }

    [Fact]
    public async Task OnExpired_Throws_DriverKeepsFiringOthers()
    {
        var failing = new RecordingWheelItem(_time, () => throw new InvalidOperationException("boom"));
        var next = new RecordingWheelItem(_time);
        _driver.Schedule(_time.GetUtcNow().AddMilliseconds(1), failing);
        _driver.Schedule(_time.GetUtcNow().AddMilliseconds(2), next);

        _time.Advance(TimeSpan.FromMilliseconds(2));

        await next.Fired.WaitAsync(Timeout);
        Assert.Equal(1, failing.FireCount);
    }

    [Fact]
    public void Schedule_AfterDispose_ReturnsAnEntryThatNeverFires()
    {
        var driver = CreateDriver(_time);
        driver.Schedule(_time.GetUtcNow().AddSeconds(1), new RecordingWheelItem(_time));
        driver.Dispose();
        driver.Dispose();

        var item = new RecordingWheelItem(_time);
        var late = driver.Schedule(_time.GetUtcNow(), item);
        Assert.True(late.IsCancelled);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0, item.FireCount);
    }

    [Fact]
    public async Task Schedule_SystemClock_FiresAllNoneEarly()
    {
        using var driver = CreateDriver(TimeProvider.System);
        var random = new Random(7);
        var now = TimeProvider.System.GetUtcNow();
        var scheduled = Enumerable.Range(0, 200)
            .Select(_ => (DueAt: now.AddMilliseconds(random.Next(20, 200)), Item: new RecordingWheelItem(TimeProvider.System)))
            .ToList();

        foreach (var (dueAt, item) in scheduled)
        {
            driver.Schedule(dueAt, item);
        }

        await Task.WhenAll(scheduled.Select(s => s.Item.Fired)).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(scheduled, s => Assert.True(s.Item.Fired.Result >= s.DueAt, $"fired early: due {s.DueAt:O}, fired {s.Item.Fired.Result:O}"));
        Assert.All(scheduled, s => Assert.Equal(1, s.Item.FireCount));
    }

    private static TimingWheelDriver CreateDriver(TimeProvider time) =>
        new(Options.Create(new WheelOptions()), time, NullLogger<TimingWheelDriver>.Instance);

    // A past-due barrier fires on the driver's next loop, so every earlier firing has finished when it completes.
    private async Task FlushAsync()
    {
        var barrier = new RecordingWheelItem(_time);
        _driver.Schedule(_time.GetUtcNow().AddDays(-1), barrier);
        await barrier.Fired.WaitAsync(Timeout);
    }
}
