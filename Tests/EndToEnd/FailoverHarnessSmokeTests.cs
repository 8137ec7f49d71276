using System.Diagnostics;
using OrleansScheduler.Tests.Readme;
using Xunit;

namespace OrleansScheduler.Tests.EndToEnd;

/// <summary>
/// Keeps the failover harness from rotting without PostgreSQL or Redis: its argument parsing and its results table,
/// through a dry run (which starts no store and no scheduler process), and its refusal of a bad argument.
/// </summary>
public sealed class FailoverHarnessSmokeTests
{
    [Fact]
    public async Task FailoverHarness_DryRun_PrintsParametersAndTable()
    {
        var (exitCode, output) = await RunAsync("--dry-run", "--scenario", "chaos", "--duration", "2m", "--slow-jobs", "10", "--fast-jobs", "2", "--target", "quartz,ours");

        Assert.True(exitCode == 0, output);
        Assert.Contains("scenario chaos", output);
        Assert.Contains("jobs 10 every 1s + 2 every 200ms", output);
        Assert.Contains("| occurrences due", output);
        Assert.Contains("| quartz", output);
        Assert.Contains("| ours", output);
    }

    [Fact]
    public async Task FailoverHarness_UnknownScenario_FailsNamingTheOption()
    {
        var (exitCode, output) = await RunAsync("--dry-run", "--scenario", "meteor");

        Assert.Equal(2, exitCode);
        Assert.Contains("--scenario: 'meteor'", output);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        // Built with the solution (same configuration as the tests); not referenced, per the layout rules.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var harness = Path.Combine(ReadmeTests.RepositoryRoot(), "Benchmarks", "OrleansScheduler.Benchmarks.Failover", "bin", configuration, "net10.0", "OrleansScheduler.Benchmarks.Failover.dll");
        Assert.True(File.Exists(harness), $"the failover harness is not built at {harness}");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(harness);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
