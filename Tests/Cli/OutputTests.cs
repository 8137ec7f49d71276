using System.Text.Json;
using OrleansScheduler.Cli.Output;
using OrleansScheduler.Execution;
using OrleansScheduler.Jobs;
using Xunit;

namespace OrleansScheduler.Tests.Cli;

public class OutputTests
{
    private static readonly DateTimeOffset Due = new(2026, 1, 31, 6, 0, 0, TimeSpan.Zero);

    private static readonly ExecutionOutcome Failed = new()
    {
        JobId = "reports/daily",
        ExecutionId = ExecutionIds.For("reports/daily", Due),
        ScheduledAt = Due,
        Attempt = 2,
        Status = ExecutionStatus.TimedOut,
        StartedAt = Due.AddMilliseconds(1.5),
        FinishedAt = Due.AddMilliseconds(31.5),
        Error = "took too long\nsecond line",
        IsFinal = true,
        Silo = "S127.0.0.1:11111",
        JobVersion = 3,
    };

    private static readonly JobInfo Job = new()
    {
        Definition = new JobDefinition
        {
            Id = "reports/daily",
            Schedule = ScheduleSpec.Cron("0 6 * * *", "Europe/Paris") with { MaxRuns = 10 },
            Handler = "log",
            Payload = "hi",
            Retry = new RetryPolicy { MaxAttempts = 3 },
        },
        Version = 3,
        Status = JobStatus.Scheduled,
        CreatedAt = Due.AddDays(-1),
        UpdatedAt = Due.AddHours(-1),
        NextDueAt = Due.AddDays(1),
        DispatchedCount = 4,
        SucceededCount = 3,
        FailedCount = 1,
        LastOutcome = Failed,
    };

    [Fact]
    public void Json_JobInfo_UsesCamelCaseAndEnumStrings()
    {
        using var document = JsonDocument.Parse(CliJson.Serialize(Job));
        var root = document.RootElement;

        Assert.Equal("scheduled", root.GetProperty("status").GetString());
        Assert.Equal(3, root.GetProperty("version").GetInt64());
        Assert.Equal("2026-02-01T06:00:00+00:00", root.GetProperty("nextDueAt").GetString());
        var definition = root.GetProperty("definition");
        Assert.Equal("reports/daily", definition.GetProperty("id").GetString());
        Assert.Equal("fireOnceNow", definition.GetProperty("misfire").GetString());
        Assert.Equal("00:00:30", definition.GetProperty("timeout").GetString());
        Assert.Equal(3, definition.GetProperty("retry").GetProperty("maxAttempts").GetInt32());
        var schedule = definition.GetProperty("schedule");
        Assert.Equal("cron", schedule.GetProperty("kind").GetString());
        Assert.Equal("0 6 * * *", schedule.GetProperty("cronExpression").GetString());
        Assert.Equal("Europe/Paris", schedule.GetProperty("timeZone").GetString());
        Assert.Equal(JsonValueKind.Null, schedule.GetProperty("interval").ValueKind);
        Assert.Equal(10, schedule.GetProperty("maxRuns").GetInt64());
        var last = root.GetProperty("lastOutcome");
        Assert.Equal("timedOut", last.GetProperty("status").GetString());
        Assert.Equal("reports/daily@2026-01-31T06:00:00.0000000Z", last.GetProperty("executionId").GetString());
    }

    [Fact]
    public void Json_JobPage_HasItemsAndNext()
    {
        var page = new JobPage([new JobSummary("a", "log", JobStatus.Paused, "every 5s", Due)], "a");

        Assert.Equal(
            """{"items":[{"id":"a","handler":"log","status":"paused","schedule":"every 5s","updatedAt":"2026-01-31T06:00:00+00:00"}],"next":"a"}""",
            CliJson.SerializeLine(page));
    }

    [Fact]
    public void Json_OutcomeLine_IsOneLine()
    {
        var line = CliJson.SerializeLine(Failed);

        Assert.DoesNotContain('\n', line);
        using var document = JsonDocument.Parse(line);
        Assert.Equal("took too long\nsecond line", document.RootElement.GetProperty("error").GetString());
        Assert.True(document.RootElement.GetProperty("isFinal").GetBoolean());
    }

    [Fact]
    public void JobsTable_FixedRows_AlignsColumns()
    {
        var table = JobTables.Jobs(
        [
            new JobSummary("a", "log", JobStatus.Scheduled, "every 250ms", Due),
            new JobSummary("reports/daily", "noop", JobStatus.Completed, "cron '0 6 * * *' UTC", Due.AddMilliseconds(7)),
        ]);

        Assert.Equal(
            "ID             STATUS     HANDLER  SCHEDULE              UPDATED\n" +
            "a              scheduled  log      every 250ms           2026-01-31 06:00:00.000Z\n" +
            "reports/daily  completed  noop     cron '0 6 * * *' UTC  2026-01-31 06:00:00.007Z\n",
            table);
    }

    [Fact]
    public void JobsTable_NoRows_PrintsHeaderOnly()
    {
        Assert.Equal("ID  STATUS  HANDLER  SCHEDULE  UPDATED\n", JobTables.Jobs([]));
    }

    [Fact]
    public void HistoryTable_FixedRows_RightAlignsNumbersAndFlattensErrors()
    {
        var ok = Failed with { Attempt = 1, Status = ExecutionStatus.Succeeded, Error = null, StartedAt = Due.AddMilliseconds(12), FinishedAt = Due.AddMilliseconds(112), IsFinal = true };

        var table = JobTables.History([Failed, ok]);

        Assert.Equal(
            "EXECUTION ID                                ATTEMPT  STATUS     STARTED                   LATE(ms)  DURATION(ms)  ERROR\n" +
            "reports/daily@2026-01-31T06:00:00.0000000Z        2  timed-out  2026-01-31 06:00:00.001Z       1.5          30.0  took too long second line\n" +
            "reports/daily@2026-01-31T06:00:00.0000000Z        1  succeeded  2026-01-31 06:00:00.012Z      12.0         100.0  -\n",
            table);
    }

    [Fact]
    public void HistoryTable_LongError_IsCut()
    {
        var table = JobTables.History([Failed with { Error = new string('e', 500) }]);

        Assert.Contains(new string('e', JobTables.MaxErrorWidth - 1) + "…", table, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('e', JobTables.MaxErrorWidth), table, StringComparison.Ordinal);
    }

    [Fact]
    public void OutcomeLine_Failure_ShowsErrorAndFinal()
    {
        Assert.Equal(
            "2026-01-31 06:00:00.031Z  timed-out  reports/daily@2026-01-31T06:00:00.0000000Z  attempt 2  late 1.5ms  took 30.0ms  error: took too long second line  final",
            OutcomeLine.Render(Failed));
    }

    [Fact]
    public void Details_Job_ListsEveryProperty()
    {
        var text = JobDetails.Render(Job);

        Assert.StartsWith("id:           reports/daily\nstatus:       scheduled\nschedule:     cron '0 6 * * *' Europe/Paris x10\n", text, StringComparison.Ordinal);
        Assert.Contains("next due:     2026-02-01 06:00:00.000Z\n", text, StringComparison.Ordinal);
        Assert.Contains("retry:        2 retries, backoff 1s x2 up to 5m\n", text, StringComparison.Ordinal);
        Assert.Contains("runs:         4 dispatched, 3 succeeded, 1 failed\n", text, StringComparison.Ordinal);
        Assert.Contains("last outcome: 2026-01-31 06:00:00.031Z  timed-out", text, StringComparison.Ordinal);
        Assert.Contains("end:          -\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void TextTable_RowWithWrongCellCount_Throws()
    {
        Assert.Throws<ArgumentException>(() => new TextTable("A", "B").Add("only one"));
    }
}
