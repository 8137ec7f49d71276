using HdrHistogram;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Benchmarks.Failover.Harness;

/// <summary>
/// Turns what the processes recorded into the figures of a run. Counting: an occurrence is due when its scheduled
/// instant lies inside the measurement [from, to); it was executed when some process started it (at any time up to the
/// end of the grace period); each further start of the same job and instant is a duplicate (for ours that is the same
/// <c>ExecutionId</c>, which is job id + instant); missed = due − executed. Failover: for each kill, the jobs whose most
/// recent start before the kill ran in the killed process are the ones it interrupted; for each the time from the kill
/// to its first start in another process. The failover window of a kill runs from the kill until the last of its jobs
/// resumed (or it was declared dead, whichever is later) plus one second; "outside failover" lateness leaves out the
/// occurrences scheduled inside any window (store restarts: from the stop until every job started again, plus one second).
/// Duplicates are also sorted by where their instant lies: in a target's documented redelivery window (from that long
/// before a kill to the end of its failover window), within 30 s after a killed process rejoined, or elsewhere.
/// </summary>
public sealed class FailoverAnalysis(Workload workload, long epochTicks, long fromTicks, long toTicks, TimeSpan recoveryTimeout, TimeSpan redeliveryWindow)
{
    private static readonly long Second = TimeSpan.TicksPerSecond;

    public FailoverResult Analyze(FailoverResult header, List<ExecutionRecord> records, IReadOnlyList<DisruptionEvent> disruptions)
    {
        records.Sort((a, b) => a.StartTicks.CompareTo(b.StartTicks));

        var disruptionResults = new List<DisruptionResult>();
        var windows = new List<(long From, long To)>();
        var afterKill = new List<double>();
        var afterDead = new List<double>();
        var resumeLateness = new List<double>();
        var deadTimes = new List<double>();
        long neverResumed = 0;
        foreach (var d in disruptions)
        {
            if (d.Kind == "restart")
            {
                disruptionResults.Add(new DisruptionResult { Kind = d.Kind, Node = d.Node, Pid = d.Pid, AtSeconds = (d.Ticks - fromTicks) / (double)Second });
                continue;
            }
            var (result, window, gaps, gapsAfterDead, lateness, unresumed) = d.Kind == "kill" ? Kill(records, d) : StoreRestart(records, d);
            disruptionResults.Add(result);
            windows.Add(window);
            afterKill.AddRange(gaps);
            afterDead.AddRange(gapsAfterDead);
            resumeLateness.AddRange(lateness);
            neverResumed += unresumed;
            if (result.DeclaredDeadMs is { } dead) deadTimes.Add(dead);
        }

        // Occurrences: first start and how many starts, keyed by job and occurrence number.
        var seen = new Dictionary<long, (int Count, long FirstStart)>();
        long offSchedule = 0, early = 0, duplicated = 0, duplicatedOutside = 0, duplicatedInRedelivery = 0, duplicatedAfterRejoin = 0;
        var redelivery = windows.Select(w => (From: w.From - redeliveryWindow.Ticks, w.To)).ToList();
        var rejoins = disruptions.Where(d => d.Kind == "restart").Select(d => (From: d.UpTicks ?? d.Ticks, To: (d.UpTicks ?? d.Ticks) + 30 * Second)).ToList();
        foreach (var r in records)
        {
            if (r.Job < 0 || r.Job >= workload.Count) { offSchedule++; continue; }
            var k = workload.OccurrenceOf(epochTicks, r.Job, r.ScheduledTicks);
            if (k < 0) { offSchedule++; continue; }
            if (r.ScheduledTicks < fromTicks || r.ScheduledTicks >= toTicks) continue;
            var key = ((long)r.Job << 32) | k;
            if (seen.TryGetValue(key, out var s))
            {
                seen[key] = (s.Count + 1, s.FirstStart);
                duplicated++;
                if (!windows.Any(w => r.ScheduledTicks >= w.From && r.ScheduledTicks < w.To)) duplicatedOutside++;
                if (redelivery.Any(w => r.ScheduledTicks >= w.From && r.ScheduledTicks < w.To)) duplicatedInRedelivery++;
                else if (rejoins.Any(w => r.ScheduledTicks >= w.From && r.ScheduledTicks < w.To)) duplicatedAfterRejoin++;
            }
            else
            {
                seen[key] = (1, r.StartTicks);
            }
        }
        long due = 0;
        // The jobs that missed occurrences, with how many and from when to when: what to look for in the processes' logs.
        var missedJobs = new List<(int Job, long Count, long FirstTicks, long LastTicks)>();
        for (var j = 0; j < workload.Count; j++)
        {
            var (a, b) = workload.DueRange(epochTicks, j, fromTicks, toTicks);
            due += b - a;
            long missed = 0, first = 0, last = 0;
            for (var k = a; k < b; k++)
            {
                if (seen.ContainsKey(((long)j << 32) | k)) continue;
                var at = workload.InstantTicks(epochTicks, j, k);
                if (missed++ == 0) first = at;
                last = at;
            }
            if (missed > 0) missedJobs.Add((j, missed, first, last));
        }
        var missedNotes = missedJobs.OrderByDescending(m => m.Count).Take(10)
            .Select(m => $"missed: {Workload.Id(m.Job)} (every {Durations.Format(workload.Period(m.Job))}) {m.Count:N0} occurrence(s), " +
                         $"t={(m.FirstTicks - fromTicks) / (double)Second:0.0} s to t={(m.LastTicks - fromTicks) / (double)Second:0.0} s")
            .ToList();
        if (missedJobs.Count > 10) missedNotes.Add($"missed: {missedJobs.Count - 10} more job(s)");

        var all = new LongHistogram(TimeSpan.FromHours(1).Ticks / 10, 3);
        var outside = new LongHistogram(TimeSpan.FromHours(1).Ticks / 10, 3);
        windows.Sort();
        foreach (var (key, s) in seen)
        {
            var job = (int)(key >> 32);
            var scheduled = workload.InstantTicks(epochTicks, job, key & 0xFFFFFFFF);
            var late = s.FirstStart - scheduled;
            if (late < 0) { early++; late = 0; }
            var micros = Math.Max(1, late / 10);
            all.RecordValue(micros);
            if (!windows.Any(w => scheduled >= w.From && scheduled < w.To)) outside.RecordValue(micros);
        }

        // What each disruption did to the occurrences due in the 30 s after it (restarts included: a silo or
        // scheduler joining moves work too).
        for (var i = 0; i < disruptions.Count; i++)
        {
            var d = disruptions[i];
            long lateOver1s = 0, worst = -1;
            foreach (var (key, s) in seen)
            {
                var job = (int)(key >> 32);
                var scheduled = workload.InstantTicks(epochTicks, job, key & 0xFFFFFFFF);
                if (scheduled < d.Ticks || scheduled >= d.Ticks + 30 * Second) continue;
                var late = s.FirstStart - scheduled;
                if (late > Second) lateOver1s++;
                worst = Math.Max(worst, late);
            }
            disruptionResults[i] = disruptionResults[i] with { LateOver1sNext30s = lateOver1s, MaxLatenessNext30sMs = worst < 0 ? double.NaN : worst / 10_000.0 };
        }

        return header with
        {
            MeasuredSeconds = (toTicks - fromTicks) / (double)Second,
            Due = due,
            Executed = seen.Count,
            Missed = due - seen.Count,
            Duplicated = duplicated,
            DuplicatedOutsideFailover = duplicatedOutside,
            DuplicatedInRedeliveryWindow = duplicatedInRedelivery,
            DuplicatedAfterRejoin = duplicatedAfterRejoin,
            OffSchedule = offSchedule,
            Early = early,
            All = Percentiles(all),
            OutsideFailover = Percentiles(outside),
            Kills = disruptions.Count(d => d.Kind == "kill"),
            StoreRestarts = disruptions.Count(d => d.Kind == "store restart"),
            DeclaredDeadMs = Spread.Of(deadTimes),
            ResumeAfterKillMs = Spread.Of(afterKill),
            ResumeAfterDeadMs = Spread.Of(afterDead),
            ResumeLatenessMs = Spread.Of(resumeLateness),
            JobsNeverResumed = neverResumed,
            Disruptions = disruptionResults,
            Timeline = BuildTimeline(records, disruptions),
            Notes = [.. header.Notes, .. missedNotes],
        };
    }

    private (DisruptionResult, (long, long), List<double>, List<double>, List<double>, long) Kill(List<ExecutionRecord> records, DisruptionEvent d)
    {
        // The jobs the kill interrupted: last start before the kill ran in the killed process.
        var lastPid = new Dictionary<int, int>();
        var firstAfter = new Dictionary<int, ExecutionRecord>();
        foreach (var r in records)
        {
            if (r.StartTicks < d.Ticks) lastPid[r.Job] = r.Pid;
            else if (r.Pid != d.Pid && !firstAfter.ContainsKey(r.Job)) firstAfter[r.Job] = r;
        }
        var affected = lastPid.Where(kv => kv.Value == d.Pid).Select(kv => kv.Key).ToList();
        var gaps = new List<double>();
        var afterDead = new List<double>();
        var lateness = new List<double>();
        foreach (var job in affected)
        {
            if (!firstAfter.TryGetValue(job, out var r)) continue;
            gaps.Add((r.StartTicks - d.Ticks) / 10_000.0);
            if (d.DeclaredDeadTicks is { } dead) afterDead.Add((r.StartTicks - dead) / 10_000.0);
            lateness.Add((r.StartTicks - r.ScheduledTicks) / 10_000.0);
        }
        var unresumed = affected.Count - gaps.Count;
        var declared = d.DeclaredDeadTicks is { } t ? (t - d.Ticks) / 10_000.0 : (double?)null;
        var windowEnd = unresumed > 0 || gaps.Count == 0 && declared is null
            ? d.Ticks + recoveryTimeout.Ticks
            : d.Ticks + (long)(Math.Max(gaps.DefaultIfEmpty(0).Max(), declared ?? 0) * 10_000) + Second;
        var result = new DisruptionResult
        {
            Kind = d.Kind, Node = d.Node, Pid = d.Pid, AtSeconds = (d.Ticks - fromTicks) / (double)Second,
            DeclaredDeadMs = declared, AffectedJobs = affected.Count, ResumedJobs = gaps.Count,
            ResumeAfterKillMs = Spread.Of(gaps), ResumeAfterDeadMs = Spread.Of(afterDead),
            WindowMs = (windowEnd - d.Ticks) / 10_000.0,
        };
        return (result, (d.Ticks, windowEnd), gaps, afterDead, lateness, unresumed);
    }

    private (DisruptionResult, (long, long), List<double>, List<double>, List<double>, long) StoreRestart(List<ExecutionRecord> records, DisruptionEvent d)
    {
        // Recovered when every job that ran in the 5 s before the stop has started again after the store came back.
        var up = d.UpTicks ?? d.Ticks;
        var before = new HashSet<int>(records.Where(r => r.StartTicks >= d.Ticks - 5 * Second && r.StartTicks < d.Ticks).Select(r => r.Job));
        var firstAfter = new Dictionary<int, long>();
        foreach (var r in records)
            if (r.StartTicks >= up && before.Contains(r.Job) && !firstAfter.ContainsKey(r.Job)) firstAfter[r.Job] = r.StartTicks;
        var gaps = firstAfter.Values.Select(t => (t - d.Ticks) / 10_000.0).ToList();
        var unresumed = before.Count - firstAfter.Count;
        var windowEnd = unresumed > 0 || gaps.Count == 0 ? up + recoveryTimeout.Ticks : d.Ticks + (long)(gaps.Max() * 10_000) + Second;
        var result = new DisruptionResult
        {
            Kind = d.Kind, Node = -1, AtSeconds = (d.Ticks - fromTicks) / (double)Second, AffectedJobs = before.Count, ResumedJobs = firstAfter.Count,
            ResumeAfterKillMs = Spread.Of(gaps), WindowMs = (windowEnd - d.Ticks) / 10_000.0,
        };
        return (result, (d.Ticks, windowEnd), [], [], [], unresumed);
    }

    private Timeline? BuildTimeline(List<ExecutionRecord> records, IReadOnlyList<DisruptionEvent> disruptions)
    {
        var kill = disruptions.FirstOrDefault(d => d.Kind == "kill");
        if (kill is null) return null;
        const int binMs = 100;
        var from = kill.Ticks - 5 * Second;
        var to = kill.Ticks + 20 * Second;
        var bins = (int)((to - from) / (binMs * TimeSpan.TicksPerMillisecond));
        var series = new SortedDictionary<string, int[]>();
        foreach (var r in records)
        {
            if (r.StartTicks < from || r.StartTicks >= to) continue;
            var label = r.Pid == kill.Pid ? $"node {r.Node} (killed, pid {r.Pid})" : $"node {r.Node} (pid {r.Pid})";
            if (!series.TryGetValue(label, out var counts)) series[label] = counts = new int[bins];
            counts[(int)((r.StartTicks - from) / (binMs * TimeSpan.TicksPerMillisecond))]++;
        }
        var events = new List<TimelineEvent> { new("kill -9", (kill.Ticks - from) / (double)Second) };
        if (kill.DeclaredDeadTicks is { } dead) events.Add(new TimelineEvent("declared dead", (dead - from) / (double)Second));
        foreach (var d in disruptions.Where(d => d != kill && d.Ticks >= from && d.Ticks < to))
            events.Add(new TimelineEvent(d.Node < 0 ? d.Kind : $"{d.Kind} node {d.Node}", (d.Ticks - from) / (double)Second));
        return new Timeline
        {
            FromSeconds = (from - fromTicks) / (double)Second,
            BinMs = binMs,
            Series = series.Select(kv => new TimelineSeries(kv.Key, kv.Value)).ToList(),
            Events = events,
        };
    }

    private static Lateness Percentiles(LongHistogram h) => h.TotalCount == 0
        ? new Lateness()
        : new Lateness
        {
            Count = h.TotalCount,
            P50Ms = h.GetValueAtPercentile(50) / 1000.0,
            P99Ms = h.GetValueAtPercentile(99) / 1000.0,
            P999Ms = h.GetValueAtPercentile(99.9) / 1000.0,
            MaxMs = h.GetMaxValue() / 1000.0,
        };
}
