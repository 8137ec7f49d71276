using OrleansScheduler.Errors;
using OrleansScheduler.Jobs;
using Xunit;

namespace OrleansScheduler.Tests.Schedules;

public class JobDefinitionValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly JobDefinition Valid = new()
    {
        Id = "reports/daily:eu-west_1.v2",
        Handler = "log",
        Schedule = ScheduleSpec.Every(TimeSpan.FromSeconds(5)),
    };

    private static ScheduleSpec Cron(string expression, string? zone = null) => ScheduleSpec.Cron(expression, zone);

    /// <summary>Name → (how to break the valid definition, expected field, fragment the message must contain).</summary>
    private static readonly Dictionary<string, (Func<JobDefinition, JobDefinition> Break, string Field, string Fragment)> Bad = new()
    {
        ["Id empty"] = (d => d with { Id = "" }, "Id", "must not be empty"),
        ["Id null"] = (d => d with { Id = null! }, "Id", "must not be empty"),
        ["Id too long"] = (d => d with { Id = new string('a', 250) }, "Id", "is 250 characters; at most 200 allowed"),
        ["Id with space"] = (d => d with { Id = "ab c" }, "Id", "contains ' ' at position 2; allowed: letters, digits and . _ - : /"),
        ["Id with hash"] = (d => d with { Id = "job#1" }, "Id", "'#' at position 3"),
        ["Id non-ASCII"] = (d => d with { Id = "café" }, "Id", "'é' at position 3"),
        ["Id with tab"] = (d => d with { Id = "a\tb" }, "Id", "U+0009 at position 1"),
        ["Handler empty"] = (d => d with { Handler = "" }, "Handler", "must not be empty"),
        ["Handler too long"] = (d => d with { Handler = new string('h', 101) }, "Handler", "is 101 characters; at most 100 allowed"),
        ["Handler with slash"] = (d => d with { Handler = "a/b" }, "Handler", "'/' at position 1; allowed: letters, digits and . _ -"),
        ["Payload too big"] = (d => d with { Payload = new string('x', 65537) }, "Payload", "is 65537 bytes"),
        ["Payload multibyte"] = (d => d with { Payload = new string('€', 30000) }, "Payload", "is 90000 bytes"),
        ["Priority high"] = (d => d with { Priority = 1001 }, "Priority", "is 1001"),
        ["Priority low"] = (d => d with { Priority = -1001 }, "Priority", "is -1001"),
        ["Timeout zero"] = (d => d with { Timeout = TimeSpan.Zero }, "Timeout", "is 0s; must be between 1ms and 1d"),
        ["Timeout long"] = (d => d with { Timeout = TimeSpan.FromHours(25) }, "Timeout", "is 1d1h"),
        ["Retry null"] = (d => d with { Retry = null! }, "Retry", "RetryPolicy.None"),
        ["Attempts zero"] = (d => d with { Retry = new() { MaxAttempts = 0 } }, "Retry.MaxAttempts", "is 0"),
        ["Attempts many"] = (d => d with { Retry = new() { MaxAttempts = 101 } }, "Retry.MaxAttempts", "is 101"),
        ["Backoff zero"] = (d => d with { Retry = new() { InitialBackoff = TimeSpan.Zero } }, "Retry.InitialBackoff", "is 0s"),
        ["Backoff long"] = (d => d with { Retry = new() { InitialBackoff = TimeSpan.FromDays(2), MaxBackoff = TimeSpan.FromDays(3) } }, "Retry.InitialBackoff", "is 2d"),
        ["Multiplier low"] = (d => d with { Retry = new() { Multiplier = 0.5 } }, "Retry.Multiplier", "is 0.5"),
        ["Multiplier high"] = (d => d with { Retry = new() { Multiplier = 11 } }, "Retry.Multiplier", "is 11"),
        ["Multiplier NaN"] = (d => d with { Retry = new() { Multiplier = double.NaN } }, "Retry.Multiplier", "is NaN"),
        ["MaxBackoff below initial"] = (d => d with { Retry = new() { InitialBackoff = TimeSpan.FromMinutes(10) } }, "Retry.MaxBackoff", "is 5m, less than InitialBackoff 10m"),
        ["Schedule null"] = (d => d with { Schedule = null! }, "Schedule", "must be set"),
        ["Kind unknown"] = (d => d with { Schedule = new() { Kind = (ScheduleKind)42 } }, "Schedule.Kind", "is 42"),
        ["Interval tiny"] = (d => d with { Schedule = ScheduleSpec.Every(TimeSpan.FromMilliseconds(5)) }, "Schedule.Interval", "must be at least 10ms (was 5ms)"),
        ["Interval negative"] = (d => d with { Schedule = ScheduleSpec.Every(TimeSpan.FromSeconds(-1)) }, "Schedule.Interval", "must be at least 10ms"),
        ["Interval huge"] = (d => d with { Schedule = ScheduleSpec.Every(TimeSpan.FromDays(400)) }, "Schedule.Interval", "(was 400d)"),
        ["Interval missing"] = (d => d with { Schedule = new() { Kind = ScheduleKind.Interval } }, "Schedule.Interval", "must be set"),
        ["Delay zero"] = (d => d with { Schedule = ScheduleSpec.After(TimeSpan.Zero) }, "Schedule.Delay", "must be greater than zero (was 0s)"),
        ["Delay missing"] = (d => d with { Schedule = new() { Kind = ScheduleKind.Delay } }, "Schedule.Delay", "must be set"),
        ["RunAt missing"] = (d => d with { Schedule = new() { Kind = ScheduleKind.Once } }, "Schedule.RunAt", "must be set"),
        ["EndAt equals StartAt"] = (d => d with { Schedule = d.Schedule with { StartAt = Now, EndAt = Now } }, "Schedule.EndAt", "not after StartAt"),
        ["EndAt before StartAt"] = (d => d with { Schedule = d.Schedule with { StartAt = Now, EndAt = Now.AddDays(-1) } }, "Schedule.EndAt", "2025-12-31T12:00:00.0000000+00:00"),
        ["MaxRuns zero"] = (d => d with { Schedule = d.Schedule with { MaxRuns = 0 } }, "Schedule.MaxRuns", "is 0"),
        ["Cron bad minute"] = (d => d with { Schedule = Cron("61 * * * *") }, "Schedule.CronExpression", "'61 * * * *' is invalid: Minutes"),
        ["Cron bad field count"] = (d => d with { Schedule = Cron("* * *") }, "Schedule.CronExpression", "has 3 fields"),
        ["Cron empty"] = (d => d with { Schedule = Cron("") }, "Schedule.CronExpression", "must not be empty"),
        ["Cron never matches"] = (d => d with { Schedule = Cron("0 0 30 2 *") }, "Schedule.CronExpression", "never matches"),
        ["Cron unknown zone"] = (d => d with { Schedule = Cron("0 * * * *", "Mars/Base") }, "Schedule.TimeZone", "unknown time zone 'Mars/Base'; use an IANA id such as Europe/London"),
        ["Cron blank zone"] = (d => d with { Schedule = Cron("0 * * * *", " ") }, "Schedule.TimeZone", "must not be blank"),
        ["Cron ends before first run"] = (d => d with { Schedule = Cron("0 0 * * *") with { StartAt = Now, EndAt = Now.AddHours(1) } }, "Schedule.EndAt", "before the first occurrence 2026-01-02T00:00:00"),
        ["Cron never matches after start"] = (d => d with { Schedule = Cron("0 0 29 2 *") with { StartAt = new DateTimeOffset(9996, 3, 1, 0, 0, 0, TimeSpan.Zero) } }, "Schedule.CronExpression", "after StartAt 9996-03-01"),
        ["Interval on cron"] = (d => d with { Schedule = Cron("0 * * * *") with { Interval = TimeSpan.FromSeconds(5) } }, "Schedule.Interval", "must be empty for a Cron schedule (was 5s)"),
        ["TimeZone on interval"] = (d => d with { Schedule = d.Schedule with { TimeZone = "Europe/London" } }, "Schedule.TimeZone", "must be empty for an Interval schedule (was Europe/London)"),
        ["Cron on once"] = (d => d with { Schedule = ScheduleSpec.At(Now) with { CronExpression = "* * * * *" } }, "Schedule.CronExpression", "must be empty for a Once schedule"),
        ["RunAt on delay"] = (d => d with { Schedule = ScheduleSpec.After(TimeSpan.FromSeconds(1)) with { RunAt = Now } }, "Schedule.RunAt", "must be empty for a Delay schedule"),
        ["Delay on interval"] = (d => d with { Schedule = d.Schedule with { Delay = TimeSpan.FromSeconds(1) } }, "Schedule.Delay", "must be empty for an Interval schedule"),
        ["Once after EndAt"] = (d => d with { Schedule = ScheduleSpec.At(Now.AddDays(2)) with { EndAt = Now.AddDays(1) } }, "Schedule.RunAt", "after EndAt"),
        ["Once before StartAt"] = (d => d with { Schedule = ScheduleSpec.At(Now.AddDays(1)) with { StartAt = Now.AddDays(2) } }, "Schedule.RunAt", "before StartAt"),
    };

    public static TheoryData<string> BadCases => [.. Bad.Keys];

    [Theory]
    [MemberData(nameof(BadCases))]
    public void Validate_BadDefinition_NamesFieldAndValue(string name)
    {
        var (breakIt, field, fragment) = Bad[name];

        var ex = Assert.Throws<JobValidationException>(() => JobDefinitionValidator.Validate(breakIt(Valid), Now));

        Assert.Equal(field, ex.Field);
        Assert.StartsWith(field + ": ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TinyInterval_HasExactMessage()
    {
        var ex = Assert.Throws<JobValidationException>(() =>
            JobDefinitionValidator.Validate(Valid with { Schedule = ScheduleSpec.Every(TimeSpan.FromMilliseconds(5)) }, Now));

        Assert.Equal("Schedule.Interval: must be at least 10ms (was 5ms)", ex.Message);
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsTheFirstInFieldOrder()
    {
        var ex = Assert.Throws<JobValidationException>(() =>
            JobDefinitionValidator.Validate(Valid with { Id = "", Handler = "", Priority = 5000 }, Now));

        Assert.Equal("Id", ex.Field);
    }

    public static TheoryData<string> GoodCases => [.. Good.Keys];

    private static readonly Dictionary<string, JobDefinition> Good = new()
    {
        ["interval"] = Valid,
        ["bounded interval"] = Valid with { Schedule = ScheduleSpec.Every(TimeSpan.FromMilliseconds(10)) with { StartAt = Now, EndAt = Now.AddDays(1), MaxRuns = 3 } },
        ["longest interval"] = Valid with { Schedule = ScheduleSpec.Every(TimeSpan.FromDays(365)) },
        ["cron in zone"] = Valid with { Schedule = Cron("*/5 * * * * *", "Europe/London") },
        ["cron at UTC+14"] = Valid with { Schedule = Cron("0 9 * * MON-FRI", "Pacific/Kiritimati") },
        ["cron at UTC-12"] = Valid with { Schedule = Cron("0 9 * * *", "Etc/GMT+12") with { EndAt = Now.AddDays(1) } },
        ["cron macro"] = Valid with { Schedule = Cron("@daily") },
        ["once in the past"] = Valid with { Schedule = ScheduleSpec.At(Now.AddMinutes(-1)) },
        ["once on its bounds"] = Valid with { Schedule = ScheduleSpec.At(Now.AddMinutes(5)) with { StartAt = Now.AddMinutes(5), EndAt = Now.AddMinutes(6) } },
        ["delay"] = Valid with { Schedule = ScheduleSpec.After(TimeSpan.FromMilliseconds(1)) },
        ["limits"] = Valid with
        {
            Id = new string('a', 196) + ".-:/",
            Handler = new string('h', 97) + "._-",
            Payload = new string('x', 65536),
            Priority = -1000,
            Timeout = TimeSpan.FromHours(24),
            Retry = new() { MaxAttempts = 100, InitialBackoff = TimeSpan.FromMilliseconds(1), Multiplier = 10, MaxBackoff = TimeSpan.FromMilliseconds(1) },
        },
        // Accepted so that re-sending an accepted definition later stays idempotent; such jobs simply complete.
        ["delay past EndAt"] = Valid with { Schedule = ScheduleSpec.After(TimeSpan.FromHours(2)) with { EndAt = Now.AddHours(1) } },
        ["cron whose EndAt has passed"] = Valid with { Schedule = Cron("0 0 * * *") with { EndAt = Now.AddDays(-30) } },
        ["null payload"] = Valid with { Payload = null, Priority = 1000, Timeout = TimeSpan.FromMilliseconds(1) },
    };

    [Theory]
    [MemberData(nameof(GoodCases))]
    public void Validate_GoodDefinition_Passes(string name)
    {
        JobDefinitionValidator.Validate(Good[name], Now);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("tenant-1/reports:daily_v2.0")]
    public void ValidateId_AllowedCharacters_Passes(string id)
    {
        JobDefinitionValidator.ValidateId(id);
    }

    [Theory]
    [InlineData(null, "must not be empty")]
    [InlineData("", "must not be empty")]
    [InlineData("abc?", "contains '?' at position 3")]
    [InlineData("a\u200Bb", "contains U+200B at position 1")]
    public void ValidateId_BadId_NamesIdField(string? id, string fragment)
    {
        var ex = Assert.Throws<JobValidationException>(() => JobDefinitionValidator.ValidateId(id));

        Assert.Equal("Id", ex.Field);
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }
}
