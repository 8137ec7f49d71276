using System.Text.RegularExpressions;
using OrleansScheduler.Jobs;
using Xunit;
using Xunit.Abstractions;
using static OrleansScheduler.Tests.Redis.SiloFirings;

namespace OrleansScheduler.Tests.Redis;

/// <summary>
/// Leased jobs (<see cref="MisfirePolicy.FireAll"/>, every 100 and 200 ms, the default 2 min lease) on three silo
/// processes on Redis, and two silos killed (kill -9) one after the other, a new silo joining in between. A job's stored
/// resume point is updated only at lease renewals (a minute or more apart), so it is stale at both kills; the first kill
/// moves some worker partitions (their leases are granted again, with a floor past that stale point) and the second
/// kills the jobs' own silo. A new activation of such a job must resume from how far its worker's lease finished
/// (JobGrain.ResumeFromWorkerAsync): resuming from its stored point, FireAll would run again, as missed, everything the
/// lease ran since it was granted, far outside the redelivery window.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed partial class LeaseCrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    // How long the jobs run before the first kill and between the kills: what a stale resume point would run again
    // reaches this far back, well before the window.
    private static readonly TimeSpan LeasedFor = TimeSpan.FromSeconds(12);

    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task TwoKillsInARow_LeasedFireAllJobs_NothingMissed_RepeatsOnlyInTheWindowAroundEachKill()
    {
        await using var cluster = await RedisCluster.StartAsync(_redis, 3, "lease-crash");
        using var client = await cluster.ConnectClientAsync();
        var jobs = Enumerable.Range(0, 100).Select(i => Job($"lease-crash/100ms-{i:000}", TimeSpan.FromMilliseconds(100)))
            .Concat(Enumerable.Range(0, 100).Select(i => Job($"lease-crash/200ms-{i:000}", TimeSpan.FromMilliseconds(200)))).ToList();
        foreach (var batch in jobs.Chunk(20)) await Task.WhenAll(batch.Select(j => client.Scheduler().CreateAsync(j)));

        // Every job has run for longer than the redelivery window under its lease: well past the resume point it stored
        // when it granted it (its next renewal is a minute or more away).
        await EventuallyAsync(cluster, firings => jobs.All(j => firings.TryGetValue(j.Id, out var f) && f.Last - f.First >= LeasedFor));

        // First kill: some worker partitions move, and their jobs grant their leases again. A new silo joins meanwhile,
        // so that the second kill leaves two silos, as the first did. Then every job runs on, resumed, for as long again.
        var kills = new List<DateTimeOffset>();
        var first = Busiest(cluster, cluster.Silos.Skip(1));
        kills.Add(DateTimeOffset.UtcNow);
        await first.KillAsync();
        await cluster.AddSilosAsync(1);
        await EventuallyAsync(cluster, firings => jobs.All(j => firings.TryGetValue(j.Id, out var f) && f.Last > kills[0] + LeasedFor));

        // Second kill, of the busiest survivor: jobs that lived there activate again with their stale stored point, some
        // of them leased to a partition that moved at the first kill (and may move again now).
        var second = Busiest(cluster, cluster.Silos.Skip(1).Where(s => s != first));
        kills.Add(DateTimeOffset.UtcNow);
        await second.KillAsync();
        var checkUntil = kills[1] + TimeSpan.FromSeconds(8);
        // Past the bound, so that whatever a new activation ran again as missed has run by now.
        await EventuallyAsync(cluster, firings => jobs.All(j => firings.TryGetValue(j.Id, out var f) && f.Last > checkUntil + TimeSpan.FromSeconds(1)));

        var all = Firings(cluster);
        var repeats = 0;
        var outside = new List<string>();
        foreach (var job in jobs)
        {
            var mine = all.Where(f => f.JobId == job.Id).ToList();
            var start = mine.Min(f => f.ScheduledAt);
            var interval = job.Schedule.Interval!.Value;
            var ran = mine.Select(f => f.ScheduledAt).ToHashSet();
            // Every instant from the first firing to well after the second kill ran at least once.
            for (var due = start; due <= checkUntil; due += interval)
                Assert.True(ran.Contains(due), $"{job.Id}: the occurrence at {due:HH:mm:ss.fff} never ran (killed at {string.Join(", ", kills.Select(k => k.ToString("HH:mm:ss.fff")))})");
            // A repeat is allowed only for an occurrence inside the redelivery window around one of the kills.
            foreach (var repeat in mine.GroupBy(f => f.ExecutionId).Where(g => g.Count() > 1))
            {
                repeats++;
                var at = repeat.First().ScheduledAt;
                if (!kills.Any(k => at >= k - RedeliveryWindow && at <= k + ResumeBound))
                    outside.Add($"{repeat.Key} ×{repeat.Count()} (started {string.Join(" / ", repeat.Select(f => f.StartedAt.ToString("HH:mm:ss.fff")))})");
            }
        }
        var resumed = cluster.Silos.Sum(s => ResumedLine().Count(s.Output));
        output.WriteLine($"killed silos at {string.Join(", ", kills.Select(k => k.ToString("HH:mm:ss.fff")))}; {all.Count} firings of {jobs.Count} jobs; "
            + $"{repeats} occurrences ran more than once, {outside.Count} of them outside the redelivery windows; {resumed} job activations resumed from their worker's lease");
        Assert.True(outside.Count == 0,
            $"{outside.Count} occurrences ran more than once outside the redelivery window around the kills at {string.Join(", ", kills.Select(k => k.ToString("HH:mm:ss.fff")))}, e.g.:\n"
            + string.Join("\n", outside.Take(20)));
    }

    private static JobDefinition Job(string id, TimeSpan interval) =>
        new() { Id = id, Schedule = ScheduleSpec.Every(interval), Handler = "log", Misfire = MisfirePolicy.FireAll };

    // The silo among the candidates that ran the most occurrences so far (the first silo is never a candidate, as in
    // CrashFailoverTests).
    private static EndToEnd.SiloProcess Busiest(RedisCluster cluster, IEnumerable<EndToEnd.SiloProcess> candidates) =>
        candidates.MaxBy(s => FiredCount(s.Output)) ?? throw new InvalidOperationException("no silo to kill");

    // Polls (at most once a second: the output grows by about 1,500 lines a second) until the firings so far, by job
    // (first and last scheduled instant), satisfy the condition.
    private static Task EventuallyAsync(RedisCluster cluster, Func<Dictionary<string, (DateTimeOffset First, DateTimeOffset Last)>, bool> condition) =>
        SchedulerHostExtensions.EventuallyAsync(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var byJob = Firings(cluster).GroupBy(f => f.JobId)
                .ToDictionary(g => g.Key, g => (g.Min(f => f.ScheduledAt), g.Max(f => f.ScheduledAt)));
            return condition(byJob);
        }, TimeSpan.FromSeconds(60), () => cluster.Output[^Math.Min(cluster.Output.Length, 20_000)..]);


    [GeneratedRegex(@"resumes where its worker's lease finished")]
    private static partial Regex ResumedLine();
}
