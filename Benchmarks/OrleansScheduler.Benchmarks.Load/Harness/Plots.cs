using System.Globalization;
using System.Text.Json;
using ScottPlot;

namespace OrleansScheduler.Benchmarks.Load.Harness;

/// <summary>Turns result files into the PNG charts of docs/benchmarks.md.</summary>
public static class Plots
{
    /// <summary>One chart per results file: lateness by percentile, one line per target (log-log "nines" axes).</summary>
    public static string Lateness(string resultsFile, string outDir, string title)
    {
        var results = Read(resultsFile);
        var plot = new Plot();
        foreach (var r in results.Where(r => r.Distribution.Count > 0))
        {
            // x: number of nines (p50 → 0.3, p90 → 1, p99 → 2, p99.9 → 3); y: log10 of milliseconds.
            var points = r.Distribution.Where(d => d.Percentile < 100).ToList();
            var xs = points.Select(d => -Math.Log10(1 - d.Percentile / 100)).ToArray();
            var ys = points.Select(d => Math.Log10(Math.Max(0.01, d.Ms))).ToArray();
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = $"{r.Target} (p99 {r.P99Ms:0.##} ms)";
            line.LineWidth = 2;
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [0, 0.30103, 1, 2, 3, 4], ["p0", "p50", "p90", "p99", "p99.9", "p99.99"]);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [-2, -1, 0, 1, 2, 3, 4], ["0.01", "0.1", "1", "10", "100", "1,000", "10,000"]);
        plot.Axes.SetLimits(0, 4.2, -2.2, 4.2);
        plot.Title(title);
        plot.XLabel("percentile");
        plot.YLabel("lateness, ms (scheduled instant → handler start)");
        plot.ShowLegend(Alignment.UpperLeft);
        var path = Path.Combine(outDir, Path.GetFileNameWithoutExtension(resultsFile) + "-lateness.png");
        plot.SavePng(path, 900, 520);
        return path;
    }

    /// <summary>The knee: p99 lateness against executions per second, one line per target.</summary>
    public static string Knee(string resultsFile, string outDir)
    {
        var results = Read(resultsFile);
        var plot = new Plot();
        foreach (var group in results.GroupBy(r => r.Target))
        {
            var xs = group.Select(r => r.ExecutionsPerSecond).ToArray();
            var ys = group.Select(r => Math.Log10(Math.Max(0.01, r.P99Ms))).ToArray();
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = group.Key;
            line.LineWidth = 2;
        }
        var limit = plot.Add.HorizontalLine(1); // 10 ms
        limit.LinePattern = LinePattern.Dashed;
        limit.LegendText = "p99 = 10 ms";
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [-2, -1, 0, 1, 2, 3, 4], ["0.01", "0.1", "1", "10", "100", "1,000", "10,000"]);
        plot.Axes.SetLimitsY(-2.2, 4.2);
        plot.Title("Throughput against p99 lateness (100 ms interval jobs, one process)");
        plot.XLabel("executions per second");
        plot.YLabel("p99 lateness, ms");
        plot.ShowLegend(Alignment.UpperLeft);
        var path = Path.Combine(outDir, Path.GetFileNameWithoutExtension(resultsFile) + "-knee.png");
        plot.SavePng(path, 900, 520);
        return path;
    }

    private static List<LoadResult> Read(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(file));
        var options = new JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
        return doc.RootElement.GetProperty("Results").EnumerateArray()
            .Select(e => e.Deserialize<LoadResult>(options)!).ToList();
    }


}
