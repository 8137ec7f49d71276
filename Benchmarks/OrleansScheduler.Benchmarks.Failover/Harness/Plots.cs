using ScottPlot;

namespace OrleansScheduler.Benchmarks.Failover.Harness;

/// <summary>The chart of a run: starts per 100 ms and process around the first kill, with the kill and the death declaration marked.</summary>
public static class Plots
{
    public static string? Firings(FailoverResult result, string outDir, string stem)
    {
        if (result.Timeline is not { } timeline || timeline.Series.Count == 0) return null;
        var plot = new Plot();
        foreach (var series in timeline.Series)
        {
            var xs = Enumerable.Range(0, series.Counts.Count).Select(i => i * timeline.BinMs / 1000.0 - 5).ToArray();
            var ys = series.Counts.Select(c => c * 1000.0 / timeline.BinMs).ToArray();
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = series.Label;
            line.MarkerSize = 0;
            line.LineWidth = 1.5f;
        }
        foreach (var e in timeline.Events)
        {
            var marker = plot.Add.VerticalLine(e.Seconds - 5);
            marker.LinePattern = LinePattern.Dashed;
            marker.LegendText = $"{e.Label} (+{(e.Seconds - 5) * 1000:0} ms)";
        }
        plot.Title($"{result.Target}: handler starts per second by process around the first kill -9 ({result.Scenario})");
        plot.XLabel("seconds from the kill");
        plot.YLabel("starts per second (100 ms bins)");
        plot.ShowLegend(Alignment.UpperRight);
        var path = Path.Combine(outDir, $"{stem}-{result.Target}-firings.png");
        plot.SavePng(path, 1000, 520);
        return path;
    }
}
