using OrleansScheduler.Errors;
using OrleansScheduler.Jobs;
using Xunit;
using static OrleansScheduler.Tests.Schedules.Instants;

namespace OrleansScheduler.Tests.Schedules;

public class ScheduleCalculatorTests
{
    private static readonly DateTimeOffset Created = Utc("2026-01-01T12:00:00Z");

    private static CompiledSchedule Compile(ScheduleSpec spec) => ScheduleCalculator.Compile(spec, Created);

    // ---- Cron ----

    [Fact]
    public void NextAfter_SixFieldCron_ReadsSecondsFirst()
    {
        var schedule = Compile(ScheduleSpec.Cron("*/5 * * * * *"));

        AssertUtc(Take(schedule, Utc("2026-01-01T12:00:03Z"), 3),
            "2026-01-01T12:00:05Z", "2026-01-01T12:00:10Z", "2026-01-01T12:00:15Z");
    }

    [Fact]
    public void NextAfter_FiveFieldCron_ReadsMinutesFirst()
    {
        var schedule = Compile(ScheduleSpec.Cron("*/15 * * * *"));

        AssertUtc(Take(schedule, Utc("2026-01-01T12:07:30Z"), 2), "2026-01-01T12:15:00Z", "2026-01-01T12:30:00Z");
    }

    [Theory]
    [InlineData("@hourly", "2026-01-01T13:00:00Z")]
    [InlineData("@daily", "2026-01-02T00:00:00Z")]
    [InlineData("@every_second", "2026-01-01T12:00:04Z")]
    public void NextAfter_Macro_UsesCronosMeaning(string macro, string expected)
    {
        var schedule = Compile(ScheduleSpec.Cron(macro));

        Assert.Equal(Utc(expected), schedule.NextAfter(Utc("2026-01-01T12:00:03Z")));
    }

    [Fact]
    public void NextAtOrAfter_OnAnOccurrence_ReturnsItWhileNextAfterSkipsIt()
    {
        var schedule = Compile(ScheduleSpec.Cron("*/5 * * * * *"));
        var onTick = Utc("2026-01-01T12:00:05Z");

        Assert.Equal(onTick, schedule.NextAtOrAfter(onTick));
        Assert.Equal(Utc("2026-01-01T12:00:10Z"), schedule.NextAfter(onTick));
        Assert.Equal(Utc("2026-01-01T12:00:10Z"), schedule.NextAtOrAfter(onTick.AddTicks(1)));
    }

    [Fact]
    public void NextAfter_CronWithStartAt_StartsAtTheBoundInclusive()
    {
        var onBound = Compile(ScheduleSpec.Cron("0 * * * *") with { StartAt = Utc("2026-01-01T14:00:00Z") });
        var offBound = Compile(ScheduleSpec.Cron("0 * * * *") with { StartAt = Utc("2026-01-01T14:30:00Z") });

        Assert.Equal(Utc("2026-01-01T14:00:00Z"), onBound.NextAfter(Utc("2026-01-01T10:00:00Z")));
        Assert.Equal(Utc("2026-01-01T14:00:00Z"), onBound.NextAtOrAfter(Utc("2026-01-01T10:00:00Z")));
        Assert.Equal(Utc("2026-01-01T15:00:00Z"), offBound.NextAfter(Utc("2026-01-01T10:00:00Z")));
    }

    [Fact]
    public void NextAfter_CronPastEndAt_ReturnsNull()
    {
        var schedule = Compile(ScheduleSpec.Cron("0 * * * *") with { EndAt = Utc("2026-01-01T14:00:00Z") });

        Assert.Equal(Utc("2026-01-01T14:00:00Z"), schedule.NextAfter(Utc("2026-01-01T13:00:00Z")));
        Assert.Null(schedule.NextAfter(Utc("2026-01-01T14:00:00Z")));
    }

    [Fact]
    public void NextAfter_CronWithNonUtcOffsetInput_ReturnsUtc()
    {
        var schedule = Compile(ScheduleSpec.Cron("0 9 * * *", "America/New_York"));

        var next = schedule.NextAfter(At("2026-01-01T08:00:00+02:00"));

        Assert.Equal(Utc("2026-01-01T14:00:00Z"), next);
        Assert.Equal(TimeSpan.Zero, next!.Value.Offset);
    }

    [Theory]
    [InlineData("61 * * * *", "Minutes")]
    [InlineData("* 25 * * *", "Hours")]
    [InlineData("* * * * 8", "Days of week")]
    [InlineData("0 0 * 13 *", "Months")]
    [InlineData("* * * *", "4 fields")]
    [InlineData("* * * * * * *", "7 fields")]
    [InlineData("@bogus", "Macro")]
    [InlineData("", "must not be empty")]
    [InlineData("  ", "must not be empty")]
    public void Compile_InvalidCron_NamesCronFieldInMessage(string expression, string fragment)
    {
        var ex = Assert.Throws<JobValidationException>(() => Compile(ScheduleSpec.Cron(expression)));

        Assert.Equal("Schedule.CronExpression", ex.Field);
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        if (!string.IsNullOrWhiteSpace(expression)) Assert.Contains($"'{expression}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_UnknownTimeZone_SuggestsIanaId()
    {
        var ex = Assert.Throws<JobValidationException>(() => Compile(ScheduleSpec.Cron("* * * * *", "Mars/Base")));

        Assert.Equal("Schedule.TimeZone", ex.Field);
        Assert.Equal("Schedule.TimeZone: unknown time zone 'Mars/Base'; use an IANA id such as Europe/London", ex.Message);
    }

    [Fact]
    public void Compile_NullTimeZone_IsUtc()
    {
        Assert.Equal(TimeZoneInfo.Utc, Compile(ScheduleSpec.Cron("* * * * *")).TimeZone);
    }

    [Theory]
    [InlineData(ScheduleKind.Interval, "Schedule.Interval")]
    [InlineData(ScheduleKind.Once, "Schedule.RunAt")]
    [InlineData(ScheduleKind.Delay, "Schedule.Delay")]
    [InlineData(ScheduleKind.Cron, "Schedule.CronExpression")]
    [InlineData((ScheduleKind)42, "Schedule.Kind")]
    public void Compile_MissingKindField_NamesField(ScheduleKind kind, string field)
    {
        var ex = Assert.Throws<JobValidationException>(() => Compile(new ScheduleSpec { Kind = kind }));

        Assert.Equal(field, ex.Field);
    }

    [Fact]
    public void Compile_NonPositiveInterval_Throws()
    {
        var ex = Assert.Throws<JobValidationException>(() => Compile(ScheduleSpec.Every(TimeSpan.Zero)));

        Assert.Equal("Schedule.Interval", ex.Field);
    }

    // ---- Interval ----

    [Fact]
    public void NextAfter_IntervalWithoutStart_FirstRunIsOneIntervalAfterCreation()
    {
        var schedule = Compile(ScheduleSpec.Every(TimeSpan.FromSeconds(5)));

        Assert.Equal(Created.AddSeconds(5), schedule.NextAfter(Created.AddHours(-1)));
        Assert.Equal(Created.AddSeconds(5), schedule.NextAtOrAfter(Created));
        Assert.Equal(Created.AddSeconds(5), schedule.NextAfter(Created));
        Assert.Equal(Created.AddSeconds(10), schedule.NextAfter(Created.AddSeconds(5)));
        Assert.Equal(Created.AddSeconds(10), schedule.NextAfter(Created.AddSeconds(7)));
        Assert.Equal(Created.AddSeconds(10), schedule.NextAtOrAfter(Created.AddSeconds(10)));
    }

    [Fact]
    public void NextAfter_IntervalWithStart_AnchorsAtStartInclusive()
    {
        var start = Utc("2026-02-01T00:00:00.250Z");
        var schedule = Compile(ScheduleSpec.Every(TimeSpan.FromMinutes(1)) with { StartAt = start });

        Assert.Equal(start, schedule.NextAfter(Created));
        Assert.Equal(start, schedule.NextAtOrAfter(start));
        Assert.Equal(start.AddMinutes(1), schedule.NextAfter(start));
        Assert.Equal(start.AddMinutes(3), schedule.NextAfter(start.AddMinutes(2).AddTicks(1)));
    }

    [Fact]
    public void NextAfter_TenMillisecondIntervalYearsLater_IsExactAndAligned()
    {
        var interval = TimeSpan.FromMilliseconds(10);
        var schedule = Compile(ScheduleSpec.Every(interval));
        var later = Created.AddYears(7).AddTicks(123_457);

        var next = schedule.NextAfter(later)!.Value;

        Assert.Equal(0, (next - Created).Ticks % interval.Ticks);
        Assert.True(next > later && next <= later + interval);
        Assert.Equal(Created.AddYears(7).AddMilliseconds(20), next);
    }

    [Fact]
    public void NextAfter_IntervalBeyondYear9999_ReturnsNull()
    {
        var schedule = Compile(ScheduleSpec.Every(TimeSpan.FromDays(365)));

        Assert.Null(schedule.NextAfter(DateTimeOffset.MaxValue.AddDays(-1)));
    }

    [Fact]
    public void NextAfter_IntervalEndAtOnOccurrence_IncludesItThenStops()
    {
        var schedule = Compile(ScheduleSpec.Every(TimeSpan.FromSeconds(5)) with { EndAt = Created.AddSeconds(15), MaxRuns = 2 });

        AssertUtc(Take(schedule, Created, 10), "2026-01-01T12:00:05Z", "2026-01-01T12:00:10Z", "2026-01-01T12:00:15Z");
        Assert.Equal(2, schedule.MaxRuns);
    }

    // ---- Once and Delay ----

    [Fact]
    public void NextAfter_Once_ReturnsRunAtInUtcOnlyWhileAhead()
    {
        var runAt = At("2026-06-01T10:00:00+02:00");
        var schedule = Compile(ScheduleSpec.At(runAt));

        var next = schedule.NextAfter(Created);

        Assert.Equal(runAt, next);
        Assert.Equal(TimeSpan.Zero, next!.Value.Offset);
        Assert.Equal(runAt, schedule.NextAtOrAfter(runAt));
        Assert.Null(schedule.NextAfter(runAt));
    }

    [Fact]
    public void NextAfter_Delay_FiresOnceDelayAfterCreation()
    {
        var schedule = Compile(ScheduleSpec.After(TimeSpan.FromMinutes(90)));

        Assert.Equal(Created.AddMinutes(90), schedule.NextAfter(Created));
        Assert.Null(schedule.NextAfter(Created.AddMinutes(90)));
    }

    [Fact]
    public void NextAfter_OnceOutsideBounds_ReturnsNull()
    {
        var runAt = Created.AddHours(1);
        var beforeStart = Compile(ScheduleSpec.At(runAt) with { StartAt = runAt.AddTicks(1) });
        var afterEnd = Compile(ScheduleSpec.At(runAt) with { EndAt = runAt.AddTicks(-1) });
        var onBounds = Compile(ScheduleSpec.At(runAt) with { StartAt = runAt, EndAt = runAt });

        Assert.Null(beforeStart.NextAfter(Created));
        Assert.Null(afterEnd.NextAfter(Created));
        Assert.Equal(runAt, onBounds.NextAfter(Created));
    }

    // ---- Between ----

    [Fact]
    public void Between_StopsAtMaxAndAtInclusiveUpperBound()
    {
        var schedule = Compile(ScheduleSpec.Cron("*/5 * * * * *"));
        var from = Utc("2026-01-01T12:00:00Z");

        AssertUtc(schedule.Between(from, from.AddMinutes(10), 2), "2026-01-01T12:00:05Z", "2026-01-01T12:00:10Z");
        AssertUtc(schedule.Between(from, from.AddSeconds(15), 100),
            "2026-01-01T12:00:05Z", "2026-01-01T12:00:10Z", "2026-01-01T12:00:15Z");
        Assert.Empty(schedule.Between(from, from.AddMinutes(10), 0));
    }

    [Fact]
    public void Between_NegativeMax_ThrowsEagerly()
    {
        var schedule = Compile(ScheduleSpec.Every(TimeSpan.FromSeconds(1)));

        Assert.Throws<ArgumentOutOfRangeException>(() => schedule.Between(Created, Created.AddHours(1), -1));
    }
}
