using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using OrleansScheduler.Cli;
using OrleansScheduler.Cli.Commands;
using OrleansScheduler.Errors;
using OrleansScheduler.Execution;
using OrleansScheduler.Jobs;
using Xunit;

namespace OrleansScheduler.Tests.Cli;

public class CommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly FakeJobScheduler _scheduler = new();
    private readonly StringWriter _out = new();
    private StringReader _in = new("");
    private readonly StringWriter _error = new();
    private readonly FakeTimeProvider _time = new();

    private Task<int> RunAsync(ICliCommand command, bool json = false, CancellationToken cancellationToken = default) =>
        command.ExecuteAsync(new CommandContext(_scheduler, _in, _out, _error, json, _time), cancellationToken).WaitAsync(Timeout);

    private static JobSettings Every(string handler = "log") => new() { Schedule = ScheduleSpec.Every(TimeSpan.FromSeconds(5)), Handler = handler };

    [Fact]
    public async Task Add_NewJob_PrintsCreatedAndTheJob()
    {
        Assert.Equal(ExitCodes.Ok, await RunAsync(new AddCommand("a", Every(), Upsert: false)));

        Assert.Equal("created: a  scheduled  every 5s  next due -\n", _out.ToString());
        Assert.Equal("log", _scheduler.Jobs["a"].Definition.Handler);
    }

    [Fact]
    public async Task Add_Json_PrintsResultAndJob()
    {
        await RunAsync(new AddCommand("a", Every(), Upsert: false), json: true);

        using var document = JsonDocument.Parse(_out.ToString());
        Assert.Equal("created", document.RootElement.GetProperty("result").GetString());
        Assert.Equal("a", document.RootElement.GetProperty("job").GetProperty("definition").GetProperty("id").GetString());
    }

    [Fact]
    public async Task Add_OtherDefinitionWithoutUpsert_ThrowsConflict()
    {
        await RunAsync(new AddCommand("a", Every(), Upsert: false));

        await Assert.ThrowsAsync<JobConflictException>(() => RunAsync(new AddCommand("a", Every("noop"), Upsert: false)));
        Assert.Equal(ExitCodes.Ok, await RunAsync(new AddCommand("a", Every("noop"), Upsert: true)));
    }

    [Fact]
    public async Task Update_GivenSettings_KeepsTheRest()
    {
        await RunAsync(new AddCommand("a", Every() with { Payload = "keep", Priority = 3 }, Upsert: false));

        await RunAsync(new UpdateCommand("a", new JobSettings { Handler = "noop" }));

        var definition = _scheduler.Jobs["a"].Definition;
        Assert.Equal(("noop", "keep", 3), (definition.Handler, definition.Payload, definition.Priority));
        Assert.Equal(ScheduleSpec.Every(TimeSpan.FromSeconds(5)), definition.Schedule);
    }

    [Fact]
    public async Task Update_MissingJob_ThrowsNotFoundWithoutUpdating()
    {
        await Assert.ThrowsAsync<JobNotFoundException>(() => RunAsync(new UpdateCommand("nope", new JobSettings { Handler = "noop" })));

        Assert.DoesNotContain(_scheduler.Calls, c => c.StartsWith("update", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Show_MissingJob_ThrowsNotFound()
    {
        await Assert.ThrowsAsync<JobNotFoundException>(() => RunAsync(new ShowCommand("nope")));
    }

    [Fact]
    public async Task Remove_MissingJob_ThrowsNotFound()
    {
        await Assert.ThrowsAsync<JobNotFoundException>(() => RunAsync(new RemoveCommand("nope")));
    }

    [Fact]
    public async Task Remove_ExistingJob_PrintsRemoved()
    {
        await RunAsync(new AddCommand("a", Every(), Upsert: false));
        _out.GetStringBuilder().Clear();

        await RunAsync(new RemoveCommand("a"), json: true);

        Assert.Equal("""{"jobId":"a","deleted":true}""", JsonDocument.Parse(_out.ToString()).RootElement.GetRawText().Replace(" ", "").Replace("\n", "").Replace("\r", ""));
    }

    [Fact]
    public async Task Trigger_PrintsExecutionId()
    {
        await RunAsync(new AddCommand("a", Every(), Upsert: false));
        _out.GetStringBuilder().Clear();

        await RunAsync(new TriggerCommand("a"));

        Assert.Equal("a@!2026-01-31T06:00:00.0000000Z\n", _out.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task List_PassesQueryAndPointsToNextPageOnStderr()
    {
        await RunAsync(new AddCommand("a", Every(), Upsert: false));
        _out.GetStringBuilder().Clear();
        var query = new JobQuery { IdPrefix = "a", Limit = 5 };

        await RunAsync(new ListCommand(query));

        Assert.Equal(query, _scheduler.LastQuery);
        Assert.StartsWith("ID  STATUS", _out.ToString(), StringComparison.Ordinal);
        Assert.Contains("--after a", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_Count_StopsAfterThatManyEventsOfTheJob()
    {
        var watching = RunAsync(new WatchCommand("a", Count: 2, For: null), json: true);
        await _scheduler.WatchStarted.Task.WaitAsync(Timeout);
        foreach (var job in new[] { "a", "b", "a", "a" })
            await _scheduler.Events.Writer.WriteAsync(Outcome(job));

        Assert.Equal(ExitCodes.Ok, await watching);
        var lines = _out.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, line => Assert.Equal("a", JsonDocument.Parse(line).RootElement.GetProperty("jobId").GetString()));
    }

    [Fact]
    public async Task Watch_For_StopsWhenTheDurationPasses()
    {
        var watching = RunAsync(new WatchCommand(null, Count: null, For: TimeSpan.FromSeconds(10)));
        await _scheduler.WatchStarted.Task.WaitAsync(Timeout);
        await _scheduler.Events.Writer.WriteAsync(Outcome("a"));

        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(ExitCodes.Ok, await watching);
        Assert.Contains("succeeded  a@2026-01-31T06:00:00.0000000Z", _out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_Interrupted_EndsNormally()
    {
        using var interrupt = new CancellationTokenSource();
        var watching = RunAsync(new WatchCommand(null, null, null), cancellationToken: interrupt.Token);
        await _scheduler.WatchStarted.Task.WaitAsync(Timeout);

        await interrupt.CancelAsync();

        Assert.Equal(ExitCodes.Ok, await watching);
    }

    private static ExecutionOutcome Outcome(string jobId)
    {
        var due = new DateTimeOffset(2026, 1, 31, 6, 0, 0, TimeSpan.Zero);
        return new ExecutionOutcome
        {
            JobId = jobId,
            ExecutionId = ExecutionIds.For(jobId, due),
            ScheduledAt = due,
            Attempt = 1,
            StartedAt = due,
            FinishedAt = due.AddMilliseconds(3),
            IsFinal = true,
        };
    }
}
