using System.Globalization;

namespace OrleansScheduler.Benchmarks.Failover.Harness;

/// <summary>Prints results side by side as Markdown (one column per target), then one row per kill of each target.</summary>
public static class ResultTable
{
    public static void Write(TextWriter output, IReadOnlyList<FailoverResult> results)
    {
        static string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);
        static string Ms(double v) => double.IsNaN(v) ? "-" : Math.Abs(v) >= 100 ? v.ToString("N0", CultureInfo.InvariantCulture) : v.ToString("0.0", CultureInfo.InvariantCulture);
        static string S(Spread s) => s.Count == 0 ? "-" : $"{Ms(s.MedianMs)} / {Ms(s.WorstMs)}";
        static string L(Lateness l) => l.Count == 0 ? "-" : $"{Ms(l.P50Ms)} / {Ms(l.P99Ms)} / {Ms(l.MaxMs)}";

        var rows = new (string Label, Func<FailoverResult, string> Value)[]
        {
            ("measured", r => $"{r.MeasuredSeconds:0} s"),
            ("kills / restarts / store restarts", r => $"{r.Kills} / {r.Restarts} / {r.StoreRestarts}" + (r.UnplannedExits > 0 ? $" (+{r.UnplannedExits} unplanned exits)" : "")),
            ("kill → declared dead, ms (median / worst)", r => S(r.DeclaredDeadMs)),
            ("kill → first start on a survivor, ms (median / worst)", r => S(r.ResumeAfterKillMs)),
            ("declared dead → first start on a survivor, ms", r => S(r.ResumeAfterDeadMs)),
            ("lateness of that first start, ms (median / worst)", r => S(r.ResumeLatenessMs)),
            ("interrupted jobs (all kills) / never resumed", r => $"{N(r.ResumeAfterKillMs.Count + r.JobsNeverResumed)} / {N(r.JobsNeverResumed)}"),
            ("occurrences due", r => N(r.Due)),
            ("executed", r => N(r.Executed)),
            ("missed", r => N(r.Missed)),
            ("duplicated (of which outside failover windows)", r => $"{N(r.Duplicated)} ({N(r.DuplicatedOutsideFailover)})"),
            ("duplicated: in the documented redelivery window / after a rejoin / elsewhere", r =>
                $"{N(r.DuplicatedInRedeliveryWindow)} / {N(r.DuplicatedAfterRejoin)} / {N(r.Duplicated - r.DuplicatedInRedeliveryWindow - r.DuplicatedAfterRejoin)}"),
            ("off schedule (instant not an occurrence)", r => N(r.OffSchedule)),
            ("lateness outside failover, ms (p50 / p99 / max)", r => L(r.OutsideFailover)),
            ("lateness including failover, ms (p50 / p99 / max)", r => L(r.All)),
            ("jobs created in", r => r.JobsCreatedMs > 0 ? $"{r.JobsCreatedMs / 1000:0.0} s" : "-"),
        };
        var header = new[] { "" }.Concat(results.Select(r => r.Target)).ToArray();
        var table = rows.Select(row => new[] { row.Label }.Concat(results.Select(row.Value)).ToArray()).ToList();
        WriteMarkdown(output, header, table);

        foreach (var r in results.Where(r => r.Disruptions.Count > 0))
        {
            output.WriteLine();
            output.WriteLine($"{r.Target}, each kill, restart and store restart (t = seconds into the measurement; restarts are not failover windows):");
            WriteMarkdown(output,
                ["#", "what", "t s", "node", "declared dead ms", "jobs interrupted", "resumed", "kill → first start ms (median / worst)", "dead → first start ms", "window ms", "next 30 s: late > 1 s", "max late ms"],
                r.Disruptions.Select((d, i) => new[]
                {
                    (i + 1).ToString(CultureInfo.InvariantCulture), d.Kind, d.AtSeconds.ToString("0.0", CultureInfo.InvariantCulture),
                    d.Node < 0 ? "store" : d.Node.ToString(CultureInfo.InvariantCulture), d.DeclaredDeadMs is { } x ? Ms(x) : "-",
                    d.Kind == "restart" ? "-" : N(d.AffectedJobs), d.Kind == "restart" ? "-" : N(d.ResumedJobs), S(d.ResumeAfterKillMs), S(d.ResumeAfterDeadMs),
                    d.Kind == "restart" ? "-" : Ms(d.WindowMs), N(d.LateOver1sNext30s), Ms(d.MaxLatenessNext30sMs),
                }).ToList());
        }
        foreach (var r in results)
        {
            output.WriteLine($"- {r.Target}: {r.Settings}; store: {r.Store}");
            foreach (var note in r.Notes) output.WriteLine($"  - {note}");
        }
    }

    private static void WriteMarkdown(TextWriter output, string[] header, List<string[]> rows)
    {
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        output.WriteLine("| " + string.Join(" | ", header.Select((h, i) => h.PadRight(widths[i]))) + " |");
        output.WriteLine("|" + string.Join("|", widths.Select((w, i) => i == 0 ? new string('-', w + 2) : new string('-', w + 1) + ":")) + "|");
        foreach (var row in rows)
            output.WriteLine("| " + string.Join(" | ", row.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))) + " |");
    }
}
