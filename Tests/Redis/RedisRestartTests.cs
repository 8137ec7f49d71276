using OrleansScheduler.Client;
using OrleansScheduler.Execution;
using OrleansScheduler.Jobs;
using Xunit;
using Xunit.Abstractions;

namespace OrleansScheduler.Tests.Redis;

/// <summary>Redis crashes and comes back during a run: the silos keep running, say so in their logs, and jobs resume.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task RedisKilledAndRestarted_SilosKeepRunningAndJobsResume()
    {
        await using var cluster = await RedisCluster.StartAsync(_redis, 2, "redis-restart");
        using var client = await cluster.ConnectClientAsync();
        var scheduler = client.Scheduler();
        var jobs = new[] { "outage/every-500ms-a", "outage/every-500ms-b", "outage/every-1s" };
        foreach (var id in jobs)
        {
            var every = id.EndsWith("1s", StringComparison.Ordinal) ? TimeSpan.FromSeconds(1) : TimeSpan.FromMilliseconds(500);
            await scheduler.CreateAsync(new JobDefinition { Id = id, Schedule = ScheduleSpec.Every(every), Handler = "noop" });
        }
        await WaitUntilEachFiredAsync(cluster, scheduler, jobs, after: DateTimeOffset.MinValue);

        var killedAt = DateTimeOffset.UtcNow;
        await _redis.KillAsync();
        foreach (var silo in cluster.Silos)
            await silo.WaitForOutputAsync(o => o.Contains("is unreachable"), TimeSpan.FromSeconds(30));
        // Long enough for the silos' Redis calls to time out (5 s) and for the membership IAmAlive writes to fail.
        await Task.Delay(TimeSpan.FromSeconds(6));
        await _redis.RestartAsync();
        var backAt = DateTimeOffset.UtcNow;
        foreach (var silo in cluster.Silos)
            await silo.WaitForOutputAsync(o => o.Contains("is reachable again after"), TimeSpan.FromSeconds(30));

        await WaitUntilEachFiredAsync(cluster, scheduler, jobs, after: backAt);
        var resumed = new List<TimeSpan>();
        foreach (var id in jobs)
            resumed.Add((await scheduler.GetHistoryAsync(id, 50)).Where(o => o.ScheduledAt > backAt).Min(o => o.StartedAt) - backAt);
        output.WriteLine($"Redis down {(backAt - killedAt).TotalSeconds:0.0} s; jobs fired again {resumed.Min().TotalSeconds:0.00}–{resumed.Max().TotalSeconds:0.00} s after it was back");
        // Writes work again too: a job created after the outage is stored and fires.
        await scheduler.CreateAsync(new JobDefinition { Id = "outage/after", Schedule = ScheduleSpec.Every(TimeSpan.FromMilliseconds(500)), Handler = "noop" });
        await WaitUntilEachFiredAsync(cluster, scheduler, ["outage/after"], after: backAt);
        Assert.Equal(4, (await scheduler.ListAsync(new JobQuery { IdPrefix = "outage/" })).Items.Count);
        Assert.All(await cluster.StopAsync(), exit => Assert.Equal(0, exit));
    }

    // The client connected before the outage is used throughout: it keeps its gateway connections while Redis is away.
    private static Task WaitUntilEachFiredAsync(RedisCluster cluster, IJobScheduler scheduler, IEnumerable<string> jobs, DateTimeOffset after)
    {
        var pending = jobs.ToHashSet();
        return SchedulerHostExtensions.EventuallyAsync(async () =>
        {
            foreach (var id in pending.ToList())
            {
                var history = await scheduler.GetHistoryAsync(id, 10);
                if (history.Any(o => o.ScheduledAt > after && o.Status == ExecutionStatus.Succeeded)) pending.Remove(id);
            }
            return pending.Count == 0;
        }, TimeSpan.FromSeconds(60), () => $"not fired after {after:O}: {string.Join(", ", pending)}\n{cluster.Output}");
    }
}
