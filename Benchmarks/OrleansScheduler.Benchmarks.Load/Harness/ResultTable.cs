using System.Globalization;

namespace OrleansScheduler.Benchmarks.Load.Harness;

/// <summary>Prints results side by side as a Markdown table (readable in a terminal, pasteable into docs).</summary>
public static class ResultTable
{
    public static void Write(TextWriter output, IReadOnlyList<LoadResult> results)
    {
        string F(double v, string format = "0.00") => double.IsNaN(v) ? "-" : v.ToString(format, CultureInfo.InvariantCulture);
        var header = new[] { "target", "jobs", "due", "executed", "missed", "dup", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "exec/s", "CPU s", "CPU µs/exec", "alloc B/exec", "GC pause %", "peak WS MB", "created/s" };
        var rows = results.Select(r => new[]
        {
            r.Target, r.Jobs.ToString("N0", CultureInfo.InvariantCulture), r.Due.ToString("N0", CultureInfo.InvariantCulture),
            r.Executed.ToString("N0", CultureInfo.InvariantCulture), r.Missed.ToString("N0", CultureInfo.InvariantCulture),
            r.Duplicated.ToString("N0", CultureInfo.InvariantCulture), F(r.P50Ms), F(r.P90Ms), F(r.P99Ms), F(r.P999Ms), F(r.MaxMs, "0.0"),
            F(r.ExecutionsPerSecond, "N0"), F(r.CpuSeconds, "0.0"), F(r.CpuMicrosPerExecution, "0.0"), F(r.AllocatedBytesPerExecution, "N0"), F(r.GcPausePercent, "0.0"), F(r.PeakWorkingSetMb, "0"), F(r.JobsCreatedPerSecond, "N0"),
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        output.WriteLine("| " + string.Join(" | ", header.Select((h, i) => h.PadRight(widths[i]))) + " |");
        output.WriteLine("|" + string.Join("|", widths.Select((w, i) => i == 0 ? new string('-', w + 2) : new string('-', w + 1) + ":")) + "|");
        foreach (var row in rows)
            output.WriteLine("| " + string.Join(" | ", row.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))) + " |");
        foreach (var r in results.Where(r => r.Note is not null || r.BytesPerIdleJob is not null))
            output.WriteLine($"- {r.Target}: {(r.BytesPerIdleJob is { } b ? $"{b:N0} bytes per idle job. " : "")}{r.Note}");
        foreach (var r in results) output.WriteLine($"- {r.Target} settings: {r.Settings}");
    }
}
