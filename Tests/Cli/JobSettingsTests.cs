using OrleansScheduler.Cli.Commands;
using OrleansScheduler.Jobs;
using Xunit;

namespace OrleansScheduler.Tests.Cli;

public class JobSettingsTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset End = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly JobDefinition Current = new()
    {
        Id = "x",
        Schedule = ScheduleSpec.Cron("0 6 * * *", "Europe/Paris") with { StartAt = Start, EndAt = End, MaxRuns = 5 },
        Handler = "log",
        Payload = "p",
        Priority = 7,
        Timeout = TimeSpan.FromSeconds(3),
        Retry = new RetryPolicy { MaxAttempts = 4, InitialBackoff = TimeSpan.FromSeconds(2) },
        Misfire = MisfirePolicy.FireAll,
    };

    [Fact]
    public void Create_OnlyScheduleAndHandler_UsesDefinitionDefaults()
    {
        var settings = new JobSettings { Schedule = ScheduleSpec.Every(TimeSpan.FromSeconds(1)), Handler = "log" };

        Assert.Equal(new JobDefinition { Id = "x", Schedule = ScheduleSpec.Every(TimeSpan.FromSeconds(1)), Handler = "log" }, settings.Create("x"));
    }

    [Fact]
    public void Create_RetriesAndPaused_SetAttemptsAndDisable()
    {
        var settings = new JobSettings
        {
            Schedule = ScheduleSpec.After(TimeSpan.FromSeconds(5)),
            Handler = "log",
            Retries = 2,
            Backoff = TimeSpan.FromMilliseconds(100),
            Paused = true,
            MaxRuns = 3,
        };

        var definition = settings.Create("x");

        Assert.Equal(3, definition.Retry.MaxAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(100), definition.Retry.InitialBackoff);
        Assert.False(definition.Enabled);
        Assert.Equal(3, definition.Schedule.MaxRuns);
    }

    [Fact]
    public void ApplyTo_NothingGiven_KeepsDefinition()
    {
        Assert.Equal(Current, new JobSettings().ApplyTo(Current));
    }

    [Fact]
    public void ApplyTo_NewSchedule_KeepsBoundsAndOtherSettings()
    {
        var updated = new JobSettings { Schedule = ScheduleSpec.Every(TimeSpan.FromMinutes(1)) }.ApplyTo(Current);

        Assert.Equal(ScheduleSpec.Every(TimeSpan.FromMinutes(1)) with { StartAt = Start, EndAt = End, MaxRuns = 5 }, updated.Schedule);
        Assert.Equal(Current with { Schedule = updated.Schedule }, updated);
    }

    [Fact]
    public void ApplyTo_ZoneAlone_ChangesOnlyTheZone()
    {
        var updated = new JobSettings { TimeZone = "UTC" }.ApplyTo(Current);

        Assert.Equal(Current.Schedule with { TimeZone = "UTC" }, updated.Schedule);
    }

    [Fact]
    public void ApplyTo_GivenSettings_ReplaceOnlyThose()
    {
        var updated = new JobSettings { Handler = "noop", Priority = -1, Retries = 0, EndAt = End.AddDays(1) }.ApplyTo(Current);

        Assert.Equal("noop", updated.Handler);
        Assert.Equal(-1, updated.Priority);
        Assert.Equal(1, updated.Retry.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(2), updated.Retry.InitialBackoff);
        Assert.Equal(End.AddDays(1), updated.Schedule.EndAt);
        Assert.Equal(Start, updated.Schedule.StartAt);
        Assert.Equal("p", updated.Payload);
        Assert.Equal(MisfirePolicy.FireAll, updated.Misfire);
    }

    [Fact]
    public void ApplyTo_BackoffAboveMaxBackoff_RaisesMaxBackoff()
    {
        var updated = new JobSettings { Backoff = TimeSpan.FromMinutes(10) }.ApplyTo(Current);

        Assert.Equal(TimeSpan.FromMinutes(10), updated.Retry.InitialBackoff);
        Assert.Equal(TimeSpan.FromMinutes(10), updated.Retry.MaxBackoff);
    }

    [Fact]
    public void ApplyTo_DefinitionsBuiltFromSettings_PassTheValidator()
    {
        var now = new DateTimeOffset(2025, 12, 1, 0, 0, 0, TimeSpan.Zero);
        JobDefinitionValidator.Validate(new JobSettings { Schedule = ScheduleSpec.Every(TimeSpan.FromSeconds(1)), Handler = "log", Retries = 2, Backoff = TimeSpan.FromHours(1) }.Create("x"), now);
        JobDefinitionValidator.Validate(new JobSettings { TimeZone = "UTC", Payload = "q" }.ApplyTo(Current), now);
    }
}
