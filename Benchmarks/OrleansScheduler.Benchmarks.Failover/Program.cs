using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansScheduler.Benchmarks.Failover.Harness;
using OrleansScheduler.Benchmarks.Failover.Nodes;

// The failover harness: for each target, a store (PostgreSQL for Quartz.NET, Redis for ours) and N scheduler processes
// (this executable in `node` mode), jobs that record every start over a loopback socket, then kill -9 and restarts;
// prints the figures side by side and writes them as JSON (and a chart per target beside it).
if (args.Length > 0 && args[0] == "node")
{
    NodeOptions node;
    try
    {
        node = NodeOptions.Parse(args[1..]);
    }
    catch (ArgumentException e)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return 2;
    }
    await using var link = new HarnessLink();
    await link.ConnectAsync(node.HarnessPort, CancellationToken.None);
    try
    {
        return node.Target switch
        {
            "quartz" => await QuartzNode.RunAsync(node, link, CancellationToken.None),
            _ => await OursNode.RunAsync(node, link, CancellationToken.None),
        };
    }
    catch (Exception e)
    {
        // The process' own log gets the whole story, the harness a line of it.
        Console.Error.WriteLine($"error: scheduler process failed: {e}");
        link.Note($"failed: {e.GetType().Name}: {e.Message}");
        return 1;
    }
}

if (args.Length > 0 && args[0] is "--help" or "-h")
{
    Console.WriteLine(FailoverOptions.Usage);
    return 0;
}

FailoverOptions options;
try
{
    options = FailoverOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

var machine = $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";
Console.WriteLine($"OrleansScheduler failover harness; {machine}\n  {options.Describe()}");
var json = new JsonSerializerOptions { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };
var jsonOut = options.JsonOut ?? Path.Combine("Benchmarks", "results", $"failover-{options.Scenario}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
if (options.DryRun)
{
    // Parsing and the table, nothing started: what the smoke test runs.
    var empty = options.Targets.Select(t => new FailoverResult { Target = t, Scenario = options.Scenario, Settings = "dry run", Store = "none" }).ToList();
    Console.WriteLine();
    ResultTable.Write(Console.Out, empty);
    Console.WriteLine($"results would go to {jsonOut}");
    return 0;
}

using var cancel = new CancellationTokenSource();
// Ctrl+C and SIGTERM cancel the run; every runner then stops its processes and its store on the way out.
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
void Cancel(PosixSignalContext context)
{
    context.Cancel = true;
    Console.Error.WriteLine("cancelling: stopping scheduler processes and stores …");
    cancel.Cancel();
}

var results = new List<FailoverResult>();
using (var run = new RunDirectory())
{
    foreach (var target in options.Targets)
    {
        Console.WriteLine();
        Console.WriteLine($"== {target} ==");
        try
        {
            results.Add(await new ScenarioRunner(options, target, run, Console.Out).RunAsync(cancel.Token));
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            break;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or NotSupportedException or Npgsql.NpgsqlException)
        {
            Console.Error.WriteLine($"error: target {target} failed: {e.Message}");
        }
    }
    if (options.KeepLogs is { } keep)
    {
        Directory.CreateDirectory(keep);
        foreach (var log in Directory.EnumerateFiles(run.Path, "*.log", SearchOption.AllDirectories))
            File.Copy(log, Path.Combine(keep, Path.GetRelativePath(run.Path, log).Replace(Path.DirectorySeparatorChar, '_')), overwrite: true);
        Console.WriteLine($"logs kept in {Path.GetFullPath(keep)}");
    }
}
if (results.Count == 0) return cancel.IsCancellationRequested ? 130 : 1;

Console.WriteLine();
ResultTable.Write(Console.Out, results);
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(jsonOut))!);
await File.WriteAllTextAsync(jsonOut, JsonSerializer.Serialize(new { options.Scenario, Machine = machine, Parameters = options.Describe(), Results = results }, json));
Console.WriteLine($"results: {jsonOut}");
foreach (var r in results)
    if (Plots.Firings(r, Path.GetDirectoryName(Path.GetFullPath(jsonOut))!, Path.GetFileNameWithoutExtension(jsonOut)) is { } png) Console.WriteLine($"chart: {png}");
return cancel.IsCancellationRequested ? 130 : results.Count == options.Targets.Count ? 0 : 1;
