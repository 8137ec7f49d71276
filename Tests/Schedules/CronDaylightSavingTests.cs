using OrleansScheduler.Jobs;
using Xunit;
using static OrleansScheduler.Tests.Schedules.Instants;

namespace OrleansScheduler.Tests.Schedules;

/// <summary>
/// Cron across DST transitions, with the UTC instants Cronos defines: an occurrence inside a gap moves to the first
/// instant after it; in an overlap a fixed time fires once, at the first offset, while step/range/wildcard
/// second-minute-hour fields fire in both halves.
/// </summary>
public class CronDaylightSavingTests
{
    private static readonly DateTimeOffset Created = Utc("2026-01-01T00:00:00Z");

    [Fact]
    public void NextAfter_LondonSpringGap_MovesToFirstInstantAfterGap()
    {
        // 2026-03-29 01:00 GMT jumps to 02:00 BST; 01:30 does not exist and Cronos fires at 02:00 BST = 01:00Z.
        var schedule = ScheduleCalculator.Compile(ScheduleSpec.Cron("30 1 * * *", "Europe/London"), Created);

        AssertUtc(Take(schedule, Utc("2026-03-28T12:00:00Z"), 2), "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z");
    }

    [Fact]
    public void NextAfter_LondonAutumnOverlap_FixedTimeFiresOnceAtFirstOffset()
    {
        // 2026-10-25 02:00 BST falls back to 01:00 GMT; 01:30 happens twice and fires only at 01:30 BST = 00:30Z.
        var schedule = ScheduleCalculator.Compile(ScheduleSpec.Cron("30 1 * * *", "Europe/London"), Created);

        AssertUtc(Take(schedule, Utc("2026-10-24T12:00:00Z"), 2), "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z");
    }

    [Fact]
    public void NextAfter_LondonAutumnOverlap_StepExpressionFiresInBothOffsets()
    {
        var schedule = ScheduleCalculator.Compile(ScheduleSpec.Cron("0 */30 * * * *", "Europe/London"), Created);

        AssertUtc(Take(schedule, Utc("2026-10-24T23:50:00Z"), 5),
            "2026-10-25T00:00:00Z", "2026-10-25T00:30:00Z", "2026-10-25T01:00:00Z", "2026-10-25T01:30:00Z", "2026-10-25T02:00:00Z");
    }

    [Fact]
    public void NextAfter_LondonSpringGap_StepExpressionSkipsMissingHour()
    {
        var schedule = ScheduleCalculator.Compile(ScheduleSpec.Cron("0 */30 * * * *", "Europe/London"), Created);

        AssertUtc(Take(schedule, Utc("2026-03-29T00:10:00Z"), 3), "2026-03-29T00:30:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z");
    }

    [Fact]
    public void NextAfter_NewYorkSpringGap_MovesToFirstInstantAfterGap()
    {
        // 2026-03-08 02:00 EST jumps to 03:00 EDT: 02:30 fires at 03:00 EDT = 07:00Z; 01:30 is before the gap and unaffected.
        var inGap = ScheduleCalculator.Compile(ScheduleSpec.Cron("30 2 * * *", "America/New_York"), Created);
        var beforeGap = ScheduleCalculator.Compile(ScheduleSpec.Cron("30 1 * * *", "America/New_York"), Created);

        AssertUtc(Take(inGap, Utc("2026-03-07T12:00:00Z"), 2), "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z");
        AssertUtc(Take(beforeGap, Utc("2026-03-07T12:00:00Z"), 2), "2026-03-08T06:30:00Z", "2026-03-09T05:30:00Z");
    }

    [Fact]
    public void NextAfter_NewYorkAutumnOverlap_FixedTimeFiresOnceAtFirstOffset()
    {
        // 2026-11-01 02:00 EDT falls back to 01:00 EST; 01:30 fires once at 01:30 EDT = 05:30Z.
        var schedule = ScheduleCalculator.Compile(ScheduleSpec.Cron("30 1 * * *", "America/New_York"), Created);

        AssertUtc(Take(schedule, Utc("2026-10-31T12:00:00Z"), 2), "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z");
    }

    [Fact]
    public void NextAfter_NewYorkAutumnOverlap_StepExpressionFiresInBothOffsets()
    {
        var schedule = ScheduleCalculator.Compile(ScheduleSpec.Cron("0 */30 * * * *", "America/New_York"), Created);

        AssertUtc(Take(schedule, Utc("2026-11-01T04:50:00Z"), 5),
            "2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z", "2026-11-01T06:00:00Z", "2026-11-01T06:30:00Z", "2026-11-01T07:00:00Z");
    }

    [Fact]
    public void NextAfter_NewYorkAutumnOverlap_ListFiresOnceButHourRangeFiresTwice()
    {
        // A list is not an interval for Cronos: 1:00 and 1:30 fire only in EDT. A range in the hour field is: 1:00 fires in EDT and EST.
        var list = ScheduleCalculator.Compile(ScheduleSpec.Cron("0,30 1 * * *", "America/New_York"), Created);
        var range = ScheduleCalculator.Compile(ScheduleSpec.Cron("0 0 1-2 * * *", "America/New_York"), Created);

        AssertUtc(Take(list, Utc("2026-11-01T04:50:00Z"), 3), "2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z", "2026-11-02T06:00:00Z");
        AssertUtc(Take(range, Utc("2026-11-01T04:50:00Z"), 3), "2026-11-01T05:00:00Z", "2026-11-01T06:00:00Z", "2026-11-01T07:00:00Z");
    }
}
