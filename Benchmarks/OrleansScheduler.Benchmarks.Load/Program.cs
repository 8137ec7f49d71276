using System.Diagnostics;
using System.Text.Json;
using OrleansScheduler.Benchmarks.Load.Harness;

// The load harness: runs a scenario against each target in a child process of its own (so CPU and memory figures
// belong to one scheduler), then prints them side by side and writes them as JSON.
if (args.Length >= 3 && args[0] == "plot")
{
    // plot <results.json> <out dir> [title]: lateness chart (or knee chart for knee results).
    Directory.CreateDirectory(args[2]);
    var chart = Path.GetFileName(args[1]).StartsWith("knee", StringComparison.Ordinal)
        ? Plots.Knee(args[1], args[2])
        : Plots.Lateness(args[1], args[2], args.Length > 3 ? args[3] : Path.GetFileNameWithoutExtension(args[1]));
    Console.WriteLine($"wrote {chart}");
    return 0;
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

var json = new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
if (options.JsonOut is { } jsonOut)
{
    // Child: one target, one scenario (or one knee level).
    await using var target = TargetFactory.Create(options.Targets, options);
    Console.WriteLine($"[{target.Name}] {options.Scenario}: {options.Jobs:N0} jobs, window {options.Duration.TotalSeconds:0} s, warm-up {options.Warmup.TotalSeconds:0} s; {target.Settings}");
    var result = await new ScenarioRunner(options, target, Console.Out).RunAsync(CancellationToken.None);
    await File.WriteAllTextAsync(jsonOut, JsonSerializer.Serialize(result, json));
    return 0;
}

var targets = options.Targets == "all" ? TargetFactory.All(options.Scenario) : options.Targets.Split(',');
var levels = options.Scenario == "knee" ? (options.Levels.Count > 0 ? options.Levels : [1_000, 2_500, 5_000, 7_500, 10_000, 15_000]) : [options.Jobs];
var machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}";
Console.WriteLine($"OrleansScheduler load harness — scenario {options.Scenario}, targets {string.Join(", ", targets)}, jobs {string.Join("/", levels)}, " +
                  $"window {options.Duration.TotalSeconds:0} s, warm-up {options.Warmup.TotalSeconds:0} s, interval {options.Interval.TotalMilliseconds:0} ms; {machine}");
Directory.CreateDirectory(options.OutDir);
var results = new List<LoadResult>();
foreach (var target in targets)
{
    foreach (var jobs in levels)
    {
        var file = Path.Combine(Path.GetTempPath(), $"orleans-scheduler-bench-{Guid.NewGuid():N}.json");
        // Started as `dotnet x.dll` the child needs the dll; started through the apphost it does not.
        var viaDotnet = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet";
        var child = new ProcessStartInfo(Environment.ProcessPath!, viaDotnet ? [Environment.GetCommandLineArgs()[0]] : []);
        foreach (var arg in options.ChildArgs(target, jobs, file)) child.ArgumentList.Add(arg);
        using var process = Process.Start(child)!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 || !File.Exists(file))
        {
            Console.Error.WriteLine($"error: target {target} ({jobs} jobs) failed with exit code {process.ExitCode}");
            continue;
        }
        var result = JsonSerializer.Deserialize<LoadResult>(await File.ReadAllTextAsync(file), json)!;
        File.Delete(file);
        results.Add(result);
        Console.WriteLine($"  → {target} {jobs:N0} jobs: p99 {result.P99Ms:0.00} ms, missed {result.Missed}, {result.ExecutionsPerSecond:N0}/s");
        // The knee: stop raising the load once p99 passes 10 ms or occurrences are missed.
        if (options.Scenario == "knee" && (result.P99Ms > 10 || result.Missed > 0)) break;
    }
}

Console.WriteLine();
ResultTable.Write(Console.Out, results);
var outFile = Path.Combine(options.OutDir, $"{options.Scenario}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
await File.WriteAllTextAsync(outFile, JsonSerializer.Serialize(new { options.Scenario, Machine = machine, Results = results }, json));
Console.WriteLine($"results: {outFile}");
return results.Count == targets.Count * levels.Count || options.Scenario == "knee" ? 0 : 1;
