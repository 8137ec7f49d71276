using OrleansScheduler.Jobs;
using Xunit;
using Xunit.Abstractions;
using static OrleansScheduler.Tests.Redis.SiloFirings;

namespace OrleansScheduler.Tests.Redis;

/// <summary>
/// A silo process leaves a three-silo cluster on Redis under a load of 1 Hz and 200 ms jobs, killed (kill -9) or stopped
/// (SIGTERM): every occurrence still runs, the ones after it on the survivors within a bound, and an occurrence runs
/// twice only inside the documented redelivery window before it.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class CrashFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{

    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SiloLeaves_JobsResumeOnSurvivors_NothingMissed_RepeatsOnlyInTheWindow(bool crash)
    {
        await using var cluster = await RedisCluster.StartAsync(_redis, 3, "crash");
        using var client = await cluster.ConnectClientAsync();
        var jobs = Enumerable.Range(0, 30).Select(i => Job($"crash/1s-{i:00}", TimeSpan.FromSeconds(1)))
            .Concat(Enumerable.Range(0, 10).Select(i => Job($"crash/200ms-{i:00}", TimeSpan.FromMilliseconds(200)))).ToList();
        foreach (var job in jobs) await client.Scheduler().CreateAsync(job);
        await SchedulerHostExtensions.EventuallyAsync(
            () => Task.FromResult(jobs.All(j => Firings(cluster).Count(f => f.JobId == j.Id) >= 3)),
            TimeSpan.FromSeconds(60), () => cluster.Output);

        var victim = cluster.Silos[1 + Random.Shared.Next(cluster.Silos.Count - 1)];
        var killedAt = DateTimeOffset.UtcNow;
        if (crash) await victim.KillAsync();
        else Assert.Equal(0, await victim.StopAsync(TimeSpan.FromSeconds(30)));
        var checkUntil = killedAt + TimeSpan.FromSeconds(8);
        await SchedulerHostExtensions.EventuallyAsync(
            () => Task.FromResult(jobs.All(j => Firings(cluster).Any(f => f.JobId == j.Id && f.ScheduledAt > checkUntil + TimeSpan.FromSeconds(1)))),
            TimeSpan.FromSeconds(60), () => cluster.Output);

        var firings = Firings(cluster);
        var worstResume = TimeSpan.Zero;
        var repeats = 0;
        foreach (var job in jobs)
        {
            var mine = firings.Where(f => f.JobId == job.Id).ToList();
            var first = mine.Min(f => f.ScheduledAt);
            var interval = job.Schedule.Interval!.Value;
            // Every instant from the first firing to well after the kill ran at least once.
            for (var due = first; due <= checkUntil; due += interval)
                Assert.True(mine.Any(f => f.ScheduledAt == due), $"{job.Id}: the occurrence at {due:HH:mm:ss.fff} never ran (killed at {killedAt:HH:mm:ss.fff})\n" + Around(cluster, job.Id, mine, due));
            // The ones due after the kill started at most the bound late (measured from the first start of each).
            foreach (var late in mine.Where(f => f.ScheduledAt > killedAt && f.ScheduledAt <= checkUntil).GroupBy(f => f.ExecutionId).Select(g => g.Min(f => f.StartedAt - f.ScheduledAt)))
                worstResume = TimeSpan.FromTicks(Math.Max(worstResume.Ticks, late.Ticks));
            // A repeat is allowed only for an occurrence inside the redelivery window around the kill.
            foreach (var repeat in mine.GroupBy(f => f.ExecutionId).Where(g => g.Count() > 1))
            {
                repeats++;
                var at = repeat.First().ScheduledAt;
                Assert.True(at >= killedAt - RedeliveryWindow && at <= killedAt + ResumeBound,
                    $"{repeat.Key} ran {repeat.Count()} times, outside the redelivery window around the kill at {killedAt:HH:mm:ss.fff}");
            }
        }
        var afterKill = firings.Where(f => f.ScheduledAt > killedAt && f.ScheduledAt <= checkUntil).Select(f => f.ExecutionId).Distinct().Count();
        output.WriteLine($"{(crash ? "killed" : "stopped")} a silo at {killedAt:HH:mm:ss.fff}; {firings.Count} firings of {jobs.Count} jobs; {afterKill} occurrences due in the 8 s after the kill all ran, "
            + $"the latest started {worstResume.TotalMilliseconds:0} ms late; {repeats} occurrences ran twice (all inside the window)");
        if (worstResume > ResumeBound)
        {
            // Say which jobs were late and what the silos warned about, so that a failure can be traced.
            var late = firings.Where(f => f.ScheduledAt > killedAt && f.StartedAt - f.ScheduledAt > ResumeBound / 2)
                .OrderByDescending(f => f.StartedAt - f.ScheduledAt).Take(10)
                .Select(f => $"{f.ExecutionId} {(f.StartedAt - f.ScheduledAt).TotalMilliseconds:0} ms late");
            var warnings = cluster.Output.Split('\n')
                .Where(l => l.Contains("OrleansScheduler", StringComparison.Ordinal) && (l.Contains("warn:", StringComparison.Ordinal) || l.Contains("fail:", StringComparison.Ordinal))).Take(40);
            output.WriteLine($"late:\n{string.Join("\n", late)}\nsilo warnings:\n{string.Join("\n", warnings)}");
        }
        Assert.True(worstResume <= ResumeBound, $"an occurrence due after the kill started {worstResume.TotalMilliseconds:0} ms late");
    }

    // For a failure: the job's runs around the missing instant (on which silo), and what each silo said of the job.
    private static string Around(RedisCluster cluster, string jobId, List<Firing> mine, DateTimeOffset due)
    {
        var runs = mine.Where(f => Math.Abs((f.ScheduledAt - due).TotalSeconds) <= 3).OrderBy(f => f.ScheduledAt)
            .Select(f => $"  ran {f.ScheduledAt:HH:mm:ss.fff}, started {f.StartedAt:HH:mm:ss.fff}");
        var said = cluster.Silos.Select((silo, i) => $"silo {i}:\n" + string.Join("\n", silo.Output.Split('\n')
            .Where(l => l.Contains(jobId, StringComparison.Ordinal) && !l.Contains(" fired: ", StringComparison.Ordinal)).TakeLast(15)));
        return $"runs within 3 s:\n{string.Join("\n", runs)}\n{string.Join("\n", said)}";
    }

    private static JobDefinition Job(string id, TimeSpan interval) => new() { Id = id, Schedule = ScheduleSpec.Every(interval), Handler = "log" };

}
