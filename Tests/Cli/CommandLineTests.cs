using OrleansScheduler.Cli.Commands;
using OrleansScheduler.Cli.Parsing;
using OrleansScheduler.Jobs;
using Xunit;

namespace OrleansScheduler.Tests.Cli;

public class CommandLineTests
{
    private static CliInvocation Parse(string line, string? portVariable = null) =>
        CommandLine.Parse(Split(line), name => name == GlobalOptions.PortVariable ? portVariable : null);

    // Splits on spaces, keeping 'quoted text' together, so tests read like a shell line.
    private static string[] Split(string line)
    {
        var args = new List<string>();
        var parts = line.Split('\'');
        for (var i = 0; i < parts.Length; i++)
        {
            if (i % 2 == 1) args.Add(parts[i]);
            else args.AddRange(parts[i].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }

        return [.. args];
    }

    [Fact]
    public void Parse_AddWithCron_BuildsCronSettings()
    {
        var command = Assert.IsType<AddCommand>(Parse("add reports/daily --cron '0 6 * * *' --tz Europe/Paris --handler log --payload 'hello world'").Command);

        Assert.Equal("reports/daily", command.Id);
        Assert.False(command.Upsert);
        Assert.Equal(ScheduleSpec.Cron("0 6 * * *", "Europe/Paris"), command.Settings.Schedule);
        Assert.Equal("log", command.Settings.Handler);
        Assert.Equal("hello world", command.Settings.Payload);
    }

    [Fact]
    public void Parse_AddWithEveryAndAllOptions_ReadsEveryValue()
    {
        var command = Assert.IsType<AddCommand>(Parse(
            "add tick --every 250ms --handler noop --priority -5 --timeout 2s --retries 3 --backoff 1.5s " +
            "--start 2026-01-01T00:00:00Z --end 2026-02-01T00:00:00+01:00 --max-runs 10 --misfire skip --paused --upsert").Command);

        Assert.True(command.Upsert);
        Assert.Equal(new JobSettings
        {
            Schedule = ScheduleSpec.Every(TimeSpan.FromMilliseconds(250)),
            Handler = "noop",
            Priority = -5,
            Timeout = TimeSpan.FromSeconds(2),
            Retries = 3,
            Backoff = TimeSpan.FromSeconds(1.5),
            StartAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
            EndAt = new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.FromHours(1)),
            MaxRuns = 10,
            Misfire = MisfirePolicy.Skip,
            Paused = true,
        }, command.Settings);
    }

    [Fact]
    public void Parse_AddAtWithoutOffset_ReadsUtc()
    {
        var command = Assert.IsType<AddCommand>(Parse("add once --at 2026-03-04T05:06:07 --handler log").Command);

        Assert.Equal(ScheduleSpec.At(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero)), command.Settings.Schedule);
    }

    [Fact]
    public void Parse_AddIn_BuildsDelay()
    {
        var command = Assert.IsType<AddCommand>(Parse("add later --in 5s --handler log").Command);

        Assert.Equal(ScheduleSpec.After(TimeSpan.FromSeconds(5)), command.Settings.Schedule);
    }

    [Fact]
    public void Parse_OptionWithEquals_ReadsValue()
    {
        var command = Assert.IsType<AddCommand>(Parse("add x --every=1m --handler=log --payload=a=b").Command);

        Assert.Equal(ScheduleSpec.Every(TimeSpan.FromMinutes(1)), command.Settings.Schedule);
        Assert.Equal("a=b", command.Settings.Payload);
    }

    [Fact]
    public void Parse_UpdateWithoutSchedule_LeavesScheduleUnset()
    {
        var command = Assert.IsType<UpdateCommand>(Parse("update x --payload p --tz UTC").Command);

        Assert.Equal("x", command.Id);
        Assert.Null(command.Settings.Schedule);
        Assert.Equal("UTC", command.Settings.TimeZone);
        Assert.Equal("p", command.Settings.Payload);
        Assert.Null(command.Settings.Handler);
    }

    [Fact]
    public void Parse_UpdateWithCronAndZone_PutsZoneInSchedule()
    {
        var command = Assert.IsType<UpdateCommand>(Parse("update x --cron '*/5 * * * * *' --tz UTC").Command);

        Assert.Equal(ScheduleSpec.Cron("*/5 * * * * *", "UTC"), command.Settings.Schedule);
        Assert.Null(command.Settings.TimeZone);
    }

    [Fact]
    public void Parse_List_ReadsQuery()
    {
        var command = Assert.IsType<ListCommand>(Parse("list --prefix rep --handler log --status Paused --limit 20 --after rep/a").Command);

        Assert.Equal(new JobQuery { IdPrefix = "rep", Handler = "log", Status = JobStatus.Paused, Limit = 20, After = "rep/a" }, command.Query);
    }

    [Fact]
    public void Parse_ListWithoutOptions_UsesQueryDefaults()
    {
        var command = Assert.IsType<ListCommand>(Parse("list").Command);

        Assert.Equal(new JobQuery(), command.Query);
    }

    [Fact]
    public void Parse_IdCommands_ReadId()
    {
        Assert.Equal(new ShowCommand("x"), Parse("show x").Command);
        Assert.Equal(new PauseCommand("x"), Parse("pause x").Command);
        Assert.Equal(new ResumeCommand("x"), Parse("resume x").Command);
        Assert.Equal(new TriggerCommand("x"), Parse("trigger x").Command);
        Assert.Equal(new RemoveCommand("x"), Parse("remove x").Command);
    }

    [Fact]
    public void Parse_History_ReadsLimitOrDefault()
    {
        Assert.Equal(new HistoryCommand("x", 7), Parse("history x --limit 7").Command);
        Assert.Equal(new HistoryCommand("x", HistoryCommand.DefaultLimit), Parse("history x").Command);
    }

    [Fact]
    public void Parse_Watch_ReadsIdCountAndDuration()
    {
        Assert.Equal(new WatchCommand("x", 3, TimeSpan.FromSeconds(10)), Parse("watch x --count 3 --for 10s").Command);
        Assert.Equal(new WatchCommand(null, null, null), Parse("watch").Command);
    }

    [Fact]
    public void Parse_Import_ReadsFileAndUpsert()
    {
        Assert.Equal(new ImportCommand("jobs.jsonl", Upsert: false), Parse("import jobs.jsonl").Command);
        Assert.Equal(new ImportCommand("-", Upsert: true), Parse("--json import - --upsert").Command);
        Assert.True(Parse("--json import - --upsert").Globals.Json);
    }

    [Theory]
    [InlineData("help", null)]
    [InlineData("help add", "add")]
    [InlineData("--help", null)]
    [InlineData("-h", null)]
    [InlineData("list --help", "list")]
    [InlineData("watch -h", "watch")]
    [InlineData("help import", "import")]
    public void Parse_Help_NamesTopic(string line, string? topic)
    {
        Assert.Equal(new HelpCommand(topic), Parse(line).Command);
    }

    [Fact]
    public void Parse_GlobalsBeforeAndAfterCommand_AreRead()
    {
        var invocation = Parse("--port 30001 --json show x --cluster-id c1 --service-id s1 --connect-timeout 2s --verbose");

        Assert.Equal(new GlobalOptions(30001, "c1", "s1", true, TimeSpan.FromSeconds(2), true), invocation.Globals);
        Assert.Equal(new ShowCommand("x"), invocation.Command);
    }

    [Fact]
    public void Parse_NoPortOption_UsesEnvironmentThenDefault()
    {
        Assert.Equal(31000, Parse("list", portVariable: "31000").Globals.Port);
        Assert.Equal(32000, Parse("list --port 32000", portVariable: "31000").Globals.Port);
        Assert.Equal(GlobalOptions.DefaultPort, Parse("list").Globals.Port);
    }

    [Fact]
    public void Parse_DoubleDash_EndsOptions()
    {
        Assert.Equal(new ShowCommand("--odd"), Parse("show -- --odd").Command);
    }

    [Fact]
    public void Parse_DashValue_IsAValueNotHelp()
    {
        var command = Assert.IsType<AddCommand>(Parse("add x --in 1s --handler log --payload -h").Command);

        Assert.Equal("-h", command.Settings.Payload);
    }

    [Theory]
    [InlineData("", "no command")]
    [InlineData("frobnicate x", "unknown command 'frobnicate'")]
    [InlineData("help frobnicate", "unknown command 'frobnicate'")]
    [InlineData("list --bogus", "--bogus")]
    [InlineData("show x --cron '* * * * *'", "--cron")]
    [InlineData("add x --handler log", "--cron, --every, --at or --in")]
    [InlineData("add x --every 1s", "--handler")]
    [InlineData("add --every 1s --handler log", "job id")]
    [InlineData("add x y --every 1s --handler log", "unexpected argument 'y'")]
    [InlineData("add x --every 1s --cron '* * * * *' --handler log", "--cron and --every")]
    [InlineData("add x --every 1s --tz UTC --handler log", "--tz")]
    [InlineData("add x --every 5x --handler log", "--every")]
    [InlineData("add x --in soon --handler log", "--in")]
    [InlineData("add x --every 1s --handler log --timeout 3q", "--timeout")]
    [InlineData("add x --every 1s --handler log --backoff x", "--backoff")]
    [InlineData("add x --at tomorrow --handler log", "--at")]
    [InlineData("add x --every 1s --handler log --start yesterday", "--start")]
    [InlineData("add x --every 1s --handler log --end never", "--end")]
    [InlineData("add x --every 1s --handler log --priority high", "--priority")]
    [InlineData("add x --every 1s --handler log --retries -1", "--retries")]
    [InlineData("add x --every 1s --handler log --max-runs many", "--max-runs")]
    [InlineData("add x --every 1s --handler log --misfire sometimes", "--misfire")]
    [InlineData("add x --every 1s --handler", "--handler needs a value")]
    [InlineData("add x --every --handler log", "--every needs a value")]
    [InlineData("add x --every 1s --every 2s --handler log", "--every is given twice")]
    [InlineData("add x --every 1s --handler log --paused=yes", "--paused takes no value")]
    [InlineData("update x --upsert", "--upsert")]
    [InlineData("update", "job id")]
    [InlineData("list extra", "unexpected argument 'extra'")]
    [InlineData("list --status running", "--status")]
    [InlineData("list --limit 0", "--limit")]
    [InlineData("list --limit ten", "--limit")]
    [InlineData("history x --limit -3", "--limit")]
    [InlineData("watch --count 0", "--count")]
    [InlineData("watch --for 0s", "--for")]
    [InlineData("watch --for forever", "--for")]
    [InlineData("watch a b", "unexpected argument 'b'")]
    [InlineData("show", "job id")]
    [InlineData("import", "a file of job definitions")]
    [InlineData("import ''", "needs a file name")]
    [InlineData("import a.jsonl b.jsonl", "unexpected argument 'b.jsonl'")]
    [InlineData("import a.jsonl --handler log", "unknown option --handler for 'import'")]
    [InlineData("pause a b", "unexpected argument 'b'")]
    [InlineData("list --port 70000", "--port")]
    [InlineData("list --port abc", "--port")]
    [InlineData("list --connect-timeout 0s", "--connect-timeout")]
    [InlineData("list --cluster-id ''", "--cluster-id")]
    public void Parse_BadLine_ThrowsUsageNamingTheProblem(string line, string expected)
    {
        var error = Assert.Throws<UsageException>(() => Parse(line));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BadPortVariable_NamesTheVariable()
    {
        var error = Assert.Throws<UsageException>(() => Parse("list", portVariable: "http"));

        Assert.Contains(GlobalOptions.PortVariable, error.Message, StringComparison.Ordinal);
    }
}
