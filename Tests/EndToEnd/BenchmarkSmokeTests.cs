using System.Diagnostics;
using System.Text.Json;
using OrleansScheduler.Tests.Readme;
using Xunit;

namespace OrleansScheduler.Tests.EndToEnd;

/// <summary>
/// Runs the load harness for a few seconds with a tiny load so it cannot rot. It asserts that it ran and counted,
/// never how fast: timing figures belong to the benchmark runs, not the tests.
/// </summary>
public sealed class BenchmarkSmokeTests
{
    [Fact]
    public async Task LoadHarness_SmokeRun_CountsEveryOccurrence()
    {
        // Built with the solution (same configuration as the tests); not referenced, per the layout rules.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var harness = Path.Combine(ReadmeTests.RepositoryRoot(), "Benchmarks", "OrleansScheduler.Benchmarks.Load", "bin", configuration, "net10.0", "OrleansScheduler.Benchmarks.Load.dll");
        Assert.True(File.Exists(harness), $"the load harness is not built at {harness}");
        var outDir = Directory.CreateTempSubdirectory("bench-smoke").FullName;

        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { harness, "--scenario", "smoke", "--jobs", "20", "--duration", "2s", "--warmup", "1s", "--target", "ours", "--out", outDir })
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout + await stderr;

        Assert.True(process.ExitCode == 0, output);
        Assert.Contains("| orleans-scheduler", output);
        var file = Assert.Single(Directory.GetFiles(outDir, "smoke-*.json"));
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(file));
        var result = Assert.Single(doc.RootElement.GetProperty("Results").EnumerateArray());
        Assert.True(result.GetProperty("Due").GetInt64() > 0);
        Assert.Equal(result.GetProperty("Due").GetInt64(), result.GetProperty("Executed").GetInt64() + result.GetProperty("Missed").GetInt64());
        Assert.Equal(0, result.GetProperty("Duplicated").GetInt64());
        Directory.Delete(outDir, recursive: true);
    }
}
