using FsCheck.Xunit;
using OrleansScheduler.Grains.Timing;
using Xunit;

namespace OrleansScheduler.Tests.Timing;

public sealed class TimingWheelPropertyTests
{
    private static readonly long Start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;

    /// <summary>
    /// Interleaves schedules (past, sub-tick, ms, s and days ahead), cancels and random clock steps on wheels of
    /// random shape, then runs the clock past the last due time: exactly the live entries fire, each once, never
    /// early, each in the first Advance that reaches it, in due order within a call.
    /// </summary>
    [Property(MaxTest = 300)]
    public void Advance_RandomSchedulesCancelsAndSteps_FiresExactlyLiveEntriesOnceNeverEarly(
        int[] offsets, int[] steps, bool[] cancels, byte shape)
    {
        var slots = 2 << (shape % 4);
        var levels = 1 + ((shape / 4) % 3);
        var wheel = new TimingWheel<int>(Start, TimeSpan.FromMilliseconds(1), slots, levels);
        var model = new List<Model>();
        var now = Start;

        for (var i = 0; i < offsets.Length; i++)
        {
            var due = now + Offset(offsets[i]);
            model.Add(new Model(due, wheel.Schedule(due, i)));

            if (cancels.Length > 0 && cancels[i % cancels.Length])
            {
                var victim = model[(int)((uint)offsets[i] % (uint)model.Count)];
                var expected = !victim.Cancelled && victim.FiredAt is null;
                Assert.Equal(expected, wheel.Cancel(victim.Handle));
                victim.Cancelled |= expected;
            }

            if (steps.Length > 0)
            {
                now += Step(steps[i % steps.Length]);
                AdvanceAndCheck(wheel, model, now);
            }
        }

        var end = Math.Max(now, model.Count == 0 ? now : model.Max(m => m.Due));
        AdvanceAndCheck(wheel, model, end);
        AdvanceAndCheck(wheel, model, end + TimeSpan.TicksPerDay);

        Assert.All(model, m => Assert.True(m.Cancelled ^ m.FiredAt is not null));
        Assert.Equal(0, wheel.Count);
    }

    private static void AdvanceAndCheck(TimingWheel<int> wheel, List<Model> model, long now)
    {
        var expired = new List<int>();
        wheel.Advance(now, expired);

        long previousDue = long.MinValue;
        foreach (var index in expired)
        {
            var entry = model[index];
            Assert.False(entry.Cancelled, $"cancelled entry {index} fired");
            Assert.Null(entry.FiredAt);
            Assert.True(entry.Due <= now, $"entry {index} due {entry.Due} fired early at {now}");
            Assert.True(entry.Due >= previousDue, "entries fired out of due order");
            previousDue = entry.Due;
            entry.FiredAt = now;
        }

        var live = model.Where(m => !m.Cancelled && m.FiredAt is null).ToList();
        Assert.DoesNotContain(live, m => m.Due <= now);
        Assert.Equal(live.Count, wheel.Count);
        if (live.Count > 0)
        {
            Assert.True(wheel.TryGetNextDue(out var next));
            Assert.True(next <= live.Min(m => m.Due), "TryGetNextDue is later than the earliest live entry");
        }
    }

    // Spread due times over every level and the overflow: sub-tick, milliseconds, seconds, days; negative = past.
    private static long Offset(int raw) => ((uint)raw % 4) switch
    {
        0 => raw * 1_000L,
        1 => raw * TimeSpan.TicksPerMillisecond,
        2 => raw * TimeSpan.TicksPerSecond,
        _ => raw * TimeSpan.TicksPerDay / 7,
    };

    private static long Step(int raw) => ((uint)raw % 3) switch
    {
        0 => Math.Abs((long)raw) * 3_000L,
        1 => Math.Abs((long)raw) * 50 * TimeSpan.TicksPerMillisecond,
        _ => Math.Abs((long)raw) * TimeSpan.TicksPerHour,
    };

    private sealed class Model(long due, WheelEntry<int> handle)
    {
        public long Due { get; } = due;

        public WheelEntry<int> Handle { get; } = handle;

        public bool Cancelled { get; set; }

        public long? FiredAt { get; set; }
    }
}
