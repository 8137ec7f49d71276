using System.Text.Json;
using Xunit;

namespace OrleansScheduler.Tests.EndToEnd;

/// <summary>The CLI against the real silo executable (embedded default), each as its own process.</summary>
public sealed class CliEndToEndTests : IAsyncLifetime
{
    private SiloProcess _silo = null!;

    public async Task InitializeAsync()
    {
        _silo = SiloProcess.Start();
        await _silo.WaitForOutputAsync(o => o.Contains("Application started"), TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    private Task<CliResult> Cli(params string[] args) => CliProcess.RunAsync(_silo.GatewayPort, args);

    [Fact]
    public async Task AddListPauseHistory_WithExitCodes()
    {
        var add = await Cli("add", "tick", "--cron", "*/1 * * * * *", "--handler", "log", "--payload", "hello");
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Contains("tick", add.Stdout);

        var addFast = await Cli("add", "fast", "--every", "250ms", "--handler", "noop");
        Assert.True(addFast.ExitCode == 0, addFast.ToString());

        // Same definition again is a no-op; a different one without --upsert is a conflict (exit 4).
        Assert.Equal(0, (await Cli("add", "tick", "--cron", "*/1 * * * * *", "--handler", "log", "--payload", "hello")).ExitCode);
        var conflict = await Cli("add", "tick", "--every", "1s", "--handler", "log");
        Assert.True(conflict.ExitCode == 4, conflict.ToString());
        Assert.Contains("already exists", conflict.Stderr);

        var list = await Cli("list");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Matches(@"ID\s+STATUS\s+HANDLER\s+SCHEDULE", list.Stdout);
        Assert.Matches(@"fast\s+scheduled\s+noop\s+every 250ms", list.Stdout);
        Assert.Matches(@"tick\s+scheduled\s+log\s+cron '\*/1 \* \* \* \* \*' UTC", list.Stdout);

        // The silo logs what fires.
        await _silo.WaitForOutputAsync(o => o.Contains("Job tick fired: tick@"), TimeSpan.FromSeconds(20));

        var pause = await Cli("pause", "tick");
        Assert.True(pause.ExitCode == 0, pause.ToString());
        var listJson = await Cli("list", "--json", "--status", "paused");
        Assert.True(listJson.ExitCode == 0, listJson.ToString());
        using (var doc = JsonDocument.Parse(listJson.Stdout))
        {
            var items = doc.RootElement.GetProperty("items");
            Assert.Equal("tick", Assert.Single(items.EnumerateArray()).GetProperty("id").GetString());
            Assert.Equal("paused", items[0].GetProperty("status").GetString());
        }

        var history = await Cli("history", "tick", "--limit", "5");
        Assert.True(history.ExitCode == 0, history.ToString());
        Assert.Matches(@"tick@\S+Z\s+1\s+succeeded", history.Stdout);
        var historyJson = await Cli("history", "tick", "--json");
        using (var doc = JsonDocument.Parse(historyJson.Stdout))
            Assert.All(doc.RootElement.EnumerateArray(), e => Assert.StartsWith("tick@", e.GetProperty("executionId").GetString()));

        var missing = await Cli("pause", "no-such-job");
        Assert.True(missing.ExitCode == 3, missing.ToString());
        var invalid = await Cli("add", "bad", "--cron", "61 * * * * *", "--handler", "log");
        Assert.True(invalid.ExitCode == 5, invalid.ToString());
        Assert.Contains("Schedule.CronExpression", invalid.Stderr);
        var usage = await Cli("add", "bad", "--every", "soon", "--handler", "log");
        Assert.True(usage.ExitCode == 2, usage.ToString());
        Assert.Contains("--every", usage.Stderr);

        var remove = await Cli("remove", "fast");
        Assert.True(remove.ExitCode == 0, remove.ToString());
        Assert.Equal(3, (await Cli("show", "fast")).ExitCode);

        // Ctrl+C (SIGTERM here) stops the silo cleanly.
        Assert.Equal(0, await _silo.StopAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Cli_WithNoSilo_ExitsWithCannotConnect()
    {
        var result = await CliProcess.RunAsync(SiloProcess.FreePort(), "--connect-timeout", "2s", "list");
        Assert.True(result.ExitCode == 6, result.ToString());
    }
}
