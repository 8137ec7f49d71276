using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using OrleansScheduler.Cli;
using OrleansScheduler.Cli.Commands;
using OrleansScheduler.Cli.Input;
using OrleansScheduler.Cli.Output;
using OrleansScheduler.Jobs;
using Xunit;

namespace OrleansScheduler.Tests.Cli;

public sealed class ImportCommandTests : IDisposable
{
    private const string GoodA = """{"id":"a","schedule":{"kind":"interval","interval":"5s"},"handler":"log"}""";
    private const string GoodB = """{"id":"b","schedule":{"kind":"cron","cronExpression":"0 6 * * *","timeZone":"Europe/Paris"},"handler":"noop","payload":"hi"}""";

    // Valid JSON, but an interval below the 10 ms minimum: the scheduler refuses it, the file still parses.
    private const string TooFast = """{"id":"fast","schedule":{"kind":"interval","interval":"1ms"},"handler":"log"}""";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly FakeJobScheduler _scheduler = new();
    private readonly StringWriter _out = new();
    private readonly StringWriter _error = new();
    private readonly FakeTimeProvider _time = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("import-tests-").FullName;
    private string _stdin = "";

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private Task<int> RunAsync(ImportCommand command, bool json = false) =>
        command.ExecuteAsync(new CommandContext(_scheduler, new StringReader(_stdin), _out, _error, json, _time), CancellationToken.None).WaitAsync(Timeout);

    private string File(params string[] lines)
    {
        var path = Path.Combine(_directory, "jobs.jsonl");
        System.IO.File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
    }

    [Fact]
    public async Task Import_FileWithAnInvalidDefinition_CreatesTheOthersAndListsIt()
    {
        var exitCode = await RunAsync(new ImportCommand(File(GoodA, "", TooFast, GoodB), Upsert: false));

        Assert.Equal(ExitCodes.Validation, exitCode);
        Assert.Equal(
            "created 2, unchanged 0, updated 0, failed 1\nfast: Schedule.Interval: must be at least 10ms (was 1ms)\n",
            _out.ToString());
        Assert.Equal(["a", "b"], _scheduler.Jobs.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(ScheduleSpec.Cron("0 6 * * *", "Europe/Paris"), _scheduler.Jobs["b"].Definition.Schedule);
    }

    [Fact]
    public async Task Import_MalformedLine_NamesTheLineAndSubmitsNothing()
    {
        var path = File(GoodA, """{"id":"b","schedule":{"kind":"interval","interval":"soon"},"handler":"log"}""", GoodB);

        var error = await Assert.ThrowsAsync<JobFileException>(() => RunAsync(new ImportCommand(path, Upsert: false)));

        Assert.StartsWith(path + " line 2, column ", error.Message, StringComparison.Ordinal);
        Assert.Contains("($.schedule.interval): 'soon' is not a duration", error.Message, StringComparison.Ordinal);
        Assert.Empty(_scheduler.Calls);
        Assert.Equal(ExitCodes.Usage, ErrorMapper.Map(error).ExitCode);
    }

    [Fact]
    public async Task Import_Stdin_CreatesEachLine()
    {
        _stdin = GoodA + "\n\n" + GoodB + "\n";

        Assert.Equal(ExitCodes.Ok, await RunAsync(new ImportCommand(ImportCommand.StandardInput, Upsert: false)));

        Assert.Equal("created 2, unchanged 0, updated 0, failed 0\n", _out.ToString());
        Assert.Equal(["create-many 2 upsert=False", "create a upsert=False", "create b upsert=False"], _scheduler.Calls);
    }

    [Fact]
    public async Task Import_JsonArray_CreatesEachElement()
    {
        _stdin = $"\n  [\n  {GoodA},\n  {GoodB},\n]\n";

        Assert.Equal(ExitCodes.Ok, await RunAsync(new ImportCommand("-", Upsert: false)));

        Assert.Equal(["a", "b"], _scheduler.Jobs.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Import_MalformedArrayElement_NamesItsLineAndIndex()
    {
        _stdin = $"[\n{GoodA},\n{GoodB.Replace("\"noop\"", "7", StringComparison.Ordinal)}\n]";

        var error = await Assert.ThrowsAsync<JobFileException>(() => RunAsync(new ImportCommand("-", Upsert: false)));

        Assert.StartsWith("stdin line 3, column ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("(element 1, $.handler): expected a string", error.Message, StringComparison.Ordinal);
        Assert.Empty(_scheduler.Calls);
    }

    [Fact]
    public async Task Import_AgainChangedWithoutThenWithUpsert_RefusesThenUpdates()
    {
        await RunAsync(new ImportCommand(File(GoodA, GoodB), Upsert: false));
        var changed = File(GoodA, GoodB.Replace("\"hi\"", "\"bye\"", StringComparison.Ordinal));
        _out.GetStringBuilder().Clear();

        Assert.Equal(ExitCodes.Validation, await RunAsync(new ImportCommand(changed, Upsert: false)));
        Assert.StartsWith("created 0, unchanged 1, updated 0, failed 1\nb: Job 'b' already exists", _out.ToString(), StringComparison.Ordinal);
        _out.GetStringBuilder().Clear();

        Assert.Equal(ExitCodes.Ok, await RunAsync(new ImportCommand(changed, Upsert: true)));
        Assert.Equal("created 0, unchanged 1, updated 1, failed 0\n", _out.ToString());
        Assert.Equal("bye", _scheduler.Jobs["b"].Definition.Payload);
    }

    [Fact]
    public async Task Import_Json_PrintsTheWholeResult()
    {
        _stdin = GoodA + "\n" + TooFast;

        Assert.Equal(ExitCodes.Validation, await RunAsync(new ImportCommand("-", Upsert: false), json: true));

        using var document = JsonDocument.Parse(_out.ToString());
        var root = document.RootElement;
        Assert.Equal((2, 1), (root.GetProperty("total").GetInt32(), root.GetProperty("created").GetInt32()));
        var failure = Assert.Single(root.GetProperty("failed").EnumerateArray());
        Assert.Equal("fast", failure.GetProperty("jobId").GetString());
        Assert.StartsWith("Schedule.Interval:", failure.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_ManyFailures_PrintsTheFirstAndCountsTheRest()
    {
        _stdin = string.Join("\n", Enumerable.Range(0, ImportCommand.PrintedFailures + 5).Select(i => TooFast.Replace("\"fast\"", $"\"fast{i}\"", StringComparison.Ordinal)));

        await RunAsync(new ImportCommand("-", Upsert: false));

        var lines = _out.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("created 0, unchanged 0, updated 0, failed 25", lines[0]);
        Assert.Equal(1 + ImportCommand.PrintedFailures + 1, lines.Length);
        Assert.StartsWith($"fast{ImportCommand.PrintedFailures - 1}: ", lines[^2], StringComparison.Ordinal);
        Assert.Equal("… and 5 more failures (--json lists them all)", lines[^1]);
    }

    [Fact]
    public async Task Import_MissingFile_ThrowsNamingIt()
    {
        var path = Path.Combine(_directory, "nope.jsonl");

        var error = await Assert.ThrowsAsync<JobFileException>(() => RunAsync(new ImportCommand(path, Upsert: false)));

        Assert.StartsWith($"cannot read {path}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_DefinitionAsJsonPrintsIt_IsReadBackEqual()
    {
        var definition = new JobDefinition
        {
            Id = "reports/daily",
            Schedule = ScheduleSpec.Cron("0 6 * * *", "Europe/Paris") with { StartAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(1)), MaxRuns = 10 },
            Handler = "log",
            Payload = "hi",
            Enabled = false,
            Timeout = TimeSpan.FromMilliseconds(1500),
            Retry = new RetryPolicy { MaxAttempts = 3, InitialBackoff = TimeSpan.FromSeconds(2) },
            Misfire = MisfirePolicy.Skip,
        };
        _stdin = CliJson.SerializeLine(definition);

        await RunAsync(new ImportCommand("-", Upsert: false));

        Assert.Equal(definition, _scheduler.Jobs["reports/daily"].Definition);
    }

    [Fact]
    public void Progress_PrintsAtMostEveryIntervalAndNotAtTheEnd()
    {
        var progress = new ImportProgress(_error, _time, total: 3_000_000);

        progress.Report(1_000);
        _time.Advance(ImportProgress.Interval);
        progress.Report(150_000);
        progress.Report(160_000);
        _time.Advance(ImportProgress.Interval);
        progress.Report(120_000);
        progress.Report(2_000_000);
        _time.Advance(ImportProgress.Interval);
        progress.Report(3_000_000);

        Assert.Equal("imported 150,000/3,000,000\nimported 2,000,000/3,000,000\n", _error.ToString().ReplaceLineEndings("\n"));
    }
}
