using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Tests.Schedules;

public class IntervalPropertyTests
{
    private static readonly DateTimeOffset Created = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>An interval between 10 ms and ~1 day (in ticks), an optional start, and a query instant around the anchor.</summary>
    public sealed record Case(long IntervalTicks, long? StartOffsetTicks, long QueryOffsetTicks);

    private static Arbitrary<Case> Cases()
    {
        var interval = Gen.Choose(100_000, int.MaxValue).Select(t => (long)t * 4); // 10 ms .. ~0.99 day, in ticks
        var startOffset = Gen.OneOf(Gen.Constant<long?>(null), Gen.Choose(-1_000_000, 1_000_000).Select(s => (long?)s * 10_000_000L));
        var queryOffset = Gen.Choose(0, int.MaxValue).SelectMany(hi => Gen.Choose(0, int.MaxValue), (hi, lo) => ((long)hi << 20) ^ lo);
        var cases =
            from i in interval
            from s in startOffset
            from q in queryOffset
            select new Case(i, s, q);
        return cases.ToArbitrary();
    }

    private static (CompiledSchedule Schedule, DateTimeOffset Anchor, DateTimeOffset First) Build(Case c)
    {
        var interval = TimeSpan.FromTicks(c.IntervalTicks);
        var spec = ScheduleSpec.Every(interval) with { StartAt = c.StartOffsetTicks is { } s ? Created.AddTicks(s) : null };
        var anchor = spec.StartAt ?? Created;
        return (ScheduleCalculator.Compile(spec, Created), anchor, spec.StartAt is null ? anchor + interval : anchor);
    }

    [Property(MaxTest = 2000)]
    public Property NextAfter_AtOrPastAnchor_IsWithinOneIntervalAndAligned() => Prop.ForAll(Cases(), c =>
    {
        var (schedule, anchor, first) = Build(c);
        var t = anchor.AddTicks(c.QueryOffsetTicks);

        var next = schedule.NextAfter(t)!.Value;

        return next > t
            && next <= (t >= first ? t.AddTicks(c.IntervalTicks) : first)
            && (next - anchor).Ticks % c.IntervalTicks == 0
            && next >= first
            && next.Offset == TimeSpan.Zero;
    });

    [Property(MaxTest = 2000)]
    public Property NextAfter_BeforeAnchor_IsFirstOccurrence() => Prop.ForAll(Cases(), c =>
    {
        var (schedule, anchor, first) = Build(c);
        var t = anchor.AddTicks(-c.QueryOffsetTicks - 1);

        return schedule.NextAfter(t) == first;
    });

    [Property(MaxTest = 2000)]
    public Property NextAtOrAfter_EqualsNextAfterOneTickEarlier() => Prop.ForAll(Cases(), c =>
    {
        var (schedule, anchor, _) = Build(c);
        var t = anchor.AddTicks(c.QueryOffsetTicks % (c.IntervalTicks * 5));

        return schedule.NextAtOrAfter(t) == schedule.NextAfter(t.AddTicks(-1));
    });
}
