using OrleansScheduler.Grains.Timing;
using Xunit;

namespace OrleansScheduler.Tests.Timing;

public sealed class TimingWheelTests
{
    private const long Ms = TimeSpan.TicksPerMillisecond;
    private static readonly long Start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;

    [Fact]
    public void Advance_EntriesInDifferentSlots_FireInDueOrder()
    {
        var wheel = SmallWheel();
        foreach (var dueMs in new[] { 5.0, 2.0, 7.0, 3.5, 0.2 })
        {
            wheel.Schedule(At(dueMs), dueMs);
        }

        Assert.Equal([0.2, 2.0, 3.5, 5.0, 7.0], Advance(wheel, At(10)));
    }

    [Fact]
    public void Reschedule_ExpiredEntry_FiresAgainAtItsNewTimeAsTheSameEntry()
    {
        var wheel = SmallWheel();
        var entry = wheel.Schedule(At(2), 1.0);
        Assert.Equal([1.0], Advance(wheel, At(3)));
        Assert.True(entry.IsExpired);

        // Beyond level 0 and into the overflow heap: the reused entry takes any path a new one would.
        foreach (var dueMs in new[] { 5.0, 40.0, 700.0 })
        {
            var again = wheel.Reschedule(entry, At(dueMs));
            Assert.Same(entry, again);
            Assert.True(entry.IsPending);
            Assert.Equal(1, wheel.Count);
            Assert.Empty(Advance(wheel, At(dueMs - 0.5)));
            Assert.Equal([1.0], Advance(wheel, At(dueMs)));
            Assert.Equal(0, wheel.Count);
        }
    }

    [Fact]
    public void Reschedule_PendingOrCancelledEntry_IsRefused()
    {
        var wheel = SmallWheel();
        var pending = wheel.Schedule(At(5), 1.0);
        var cancelled = wheel.Schedule(At(6), 2.0);
        wheel.Cancel(cancelled);

        Assert.Throws<InvalidOperationException>(() => wheel.Reschedule(pending, At(9)));
        Assert.Throws<InvalidOperationException>(() => wheel.Reschedule(cancelled, At(9)));
        Assert.Equal([1.0], Advance(wheel, At(10)));
    }

    [Fact]
    public void Advance_EntriesOnAllLevelsAndOverflow_FireInDueOrder()
    {
        // 1 ms x 8 slots x 3 levels: level 0 < 8 ms, level 1 < 64 ms, level 2 < 512 ms, overflow beyond.
        var wheel = SmallWheel();
        double[] dues = [1000, 3, 300, 20, 70, 9, 511.9, 512, 64, 8, 7.9, 5000.5];
        foreach (var dueMs in dues)
        {
            wheel.Schedule(At(dueMs), dueMs);
        }

        Assert.Equal(dues.Order(), Advance(wheel, At(6000)));
        Assert.Equal(0, wheel.Count);
    }

    [Fact]
    public void Advance_InSmallSteps_FiresEachEntryInTheFirstStepReachingIt()
    {
        var wheel = SmallWheel();
        double[] dues = [3, 20, 300, 1000, 70.25, 0.5];
        foreach (var dueMs in dues)
        {
            wheel.Schedule(At(dueMs), dueMs);
        }

        var firedAt = new Dictionary<double, double>();
        for (var nowMs = 0.25; nowMs <= 1100; nowMs += 0.25)
        {
            foreach (var fired in Advance(wheel, At(nowMs)))
            {
                firedAt.Add(fired, nowMs);
            }
        }

        Assert.All(dues, due => Assert.Equal(due, firedAt[due]));
    }

    [Fact]
    public void Advance_EntryHoursAway_CascadesAndFiresExactlyAtDueTime()
    {
        var wheel = new TimingWheel<string>(Start, TimeSpan.FromMilliseconds(1), 512, 4);
        var due = Start + TimeSpan.FromHours(3).Ticks + (Ms / 2);
        wheel.Schedule(due, "job");
        var expired = new List<string>();

        for (var now = Start; now < due - TimeSpan.TicksPerMinute; now += TimeSpan.TicksPerMinute)
        {
            wheel.Advance(now, expired);
        }

        wheel.Advance(due - Ms, expired);
        wheel.Advance(due - 1, expired);
        Assert.Empty(expired);
        Assert.True(wheel.TryGetNextDue(out var next));
        Assert.True(next <= due);

        wheel.Advance(due, expired);
        Assert.Equal(["job"], expired);
    }

    [Fact]
    public void Advance_DueBeyondTopLevelSpan_FiresFromOverflowAtDueTime()
    {
        // 1 level of 4 x 1 ms: everything from 4 ms on starts in the overflow heap.
        var wheel = new TimingWheel<string>(Start, TimeSpan.FromMilliseconds(1), 4, 1);
        var dueInAYear = Start + TimeSpan.FromDays(365).Ticks + 123;
        var dueInTenMs = At(10);
        wheel.Schedule(dueInAYear, "year");
        wheel.Schedule(dueInTenMs, "ten");
        var expired = new List<string>();

        wheel.Advance(dueInTenMs - 1, expired);
        Assert.Empty(expired);
        wheel.Advance(dueInTenMs, expired);
        Assert.Equal(["ten"], expired);

        wheel.Advance(dueInAYear - 1, expired);
        Assert.Equal(["ten"], expired);
        Assert.True(wheel.TryGetNextDue(out var next));
        Assert.Equal(dueInAYear, next);

        wheel.Advance(dueInAYear, expired);
        Assert.Equal(["ten", "year"], expired);
    }

    [Fact]
    public void Advance_PastDueTime_FiresOnce()
    {
        var wheel = SmallWheel();
        Advance(wheel, At(100));
        wheel.Schedule(At(50), 50);
        wheel.Schedule(Start - TimeSpan.TicksPerDay, -1);

        Assert.Equal([-1.0, 50.0], Advance(wheel, At(100)));
        Assert.Empty(Advance(wheel, At(200)));
    }

    [Fact]
    public void Advance_WithinOneTick_FiresOnlyEntriesDueByNow()
    {
        var wheel = SmallWheel();
        wheel.Schedule(At(1.2), 1.2);
        wheel.Schedule(At(1.7), 1.7);

        Assert.Equal([1.2], Advance(wheel, At(1.5)));
        Assert.True(wheel.TryGetNextDue(out var next));
        Assert.Equal(At(1.7), next);
        Assert.Equal([1.7], Advance(wheel, At(1.7)));
    }

    [Fact]
    public void Advance_ManyEntriesInOneSlot_FireInDueThenScheduleOrder()
    {
        var wheel = new TimingWheel<int>(Start, TimeSpan.FromMilliseconds(1), 8, 3);
        var random = new Random(42);
        var scheduled = new List<(long Due, int Order)>();
        for (var i = 0; i < 1000; i++)
        {
            var due = At(5) + (random.Next(0, 10) * 1000); // ten distinct times inside tick 5
            wheel.Schedule(due, i);
            scheduled.Add((due, i));
        }

        var expired = new List<int>();
        wheel.Advance(At(6), expired);

        Assert.Equal(scheduled.OrderBy(s => s.Due).ThenBy(s => s.Order).Select(s => s.Order), expired);
    }

    [Fact]
    public void Cancel_PendingEntries_NeverFire()
    {
        var wheel = SmallWheel();
        var near = wheel.Schedule(At(3), 3);
        var far = wheel.Schedule(At(300), 300);
        var overflow = wheel.Schedule(At(10_000), 10_000);
        wheel.Schedule(At(4), 4);

        Assert.True(wheel.Cancel(near));
        Assert.True(wheel.Cancel(far));
        Assert.True(wheel.Cancel(overflow));
        Assert.False(wheel.Cancel(near));
        Assert.True(near.IsCancelled);

        Assert.Equal([4.0], Advance(wheel, At(20_000)));
        Assert.Equal(0, wheel.Count);
    }

    [Fact]
    public void Cancel_ExpiredEntry_ReturnsFalse()
    {
        var wheel = SmallWheel();
        var entry = wheel.Schedule(At(1), 1);
        Advance(wheel, At(2));

        Assert.True(entry.IsExpired);
        Assert.False(wheel.Cancel(entry));
    }

    [Fact]
    public void Cancel_EntryOfAnotherWheel_Throws()
    {
        var entry = SmallWheel().Schedule(At(1), 1);

        var error = Assert.Throws<ArgumentException>(() => SmallWheel().Cancel(entry));
        Assert.Equal("entry", error.ParamName);
    }

    [Fact]
    public void Count_TracksScheduleCancelAndExpiry()
    {
        var wheel = SmallWheel();
        Assert.Equal(0, wheel.Count);
        var a = wheel.Schedule(At(1), 1);
        wheel.Schedule(At(100), 100);
        wheel.Schedule(At(100_000), 100_000);
        Assert.Equal(3, wheel.Count);

        wheel.Cancel(a);
        Assert.Equal(2, wheel.Count);
        Advance(wheel, At(200));
        Assert.Equal(1, wheel.Count);
        Advance(wheel, At(100_000));
        Assert.Equal(0, wheel.Count);
    }

    [Fact]
    public void TryGetNextDue_EmptyWheel_ReturnsFalse()
    {
        Assert.False(SmallWheel().TryGetNextDue(out _));
    }

    [Theory]
    [InlineData(3.3)]
    [InlineData(20.5)]
    [InlineData(300.7)]
    [InlineData(100_000.1)]
    public void TryGetNextDue_SingleEntry_IsNeverLaterThanItsDueTime(double dueMs)
    {
        var wheel = SmallWheel();
        wheel.Schedule(At(dueMs), dueMs);

        Assert.True(wheel.TryGetNextDue(out var next));
        Assert.InRange(next, Start, At(dueMs));
    }

    [Theory]
    [InlineData(100)]
    [InlineData(1)]
    [InlineData(0)]
    public void Constructor_SlotsNotPowerOfTwo_ThrowsNamingSlots(int slots)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new TimingWheel<int>(Start, TimeSpan.FromMilliseconds(1), slots, 4));
        Assert.Equal("slotsPerLevel", error.ParamName);
    }

    [Fact]
    public void Constructor_ManyWideLevels_DoesNotOverflowAndStillFires()
    {
        var wheel = new TimingWheel<int>(Start, TimeSpan.FromTicks(1), 65_536, 8);
        wheel.Schedule(long.MaxValue, 1);
        wheel.Schedule(Start + 5, 2);
        var expired = new List<int>();

        wheel.Advance(Start + 5, expired);
        wheel.Advance(long.MaxValue - 1, expired);
        Assert.Equal([2], expired);
        wheel.Advance(long.MaxValue, expired);
        Assert.Equal([2, 1], expired);
    }

    private static TimingWheel<double> SmallWheel() => new(Start, TimeSpan.FromMilliseconds(1), 8, 3);

    private static long At(double ms) => Start + (long)Math.Round(ms * Ms);

    private static List<double> Advance(TimingWheel<double> wheel, long now)
    {
        var expired = new List<double>();
        wheel.Advance(now, expired);
        return expired;
    }
}
