using Microsoft.Extensions.Hosting;
using OrleansScheduler.Jobs;
using Xunit;

namespace OrleansScheduler.Tests.Redis;

/// <summary>Jobs live in Redis: a whole cluster can stop, and a new one on the same Redis has them all and fires them.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisDurabilityTests : IAsyncLifetime
{
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    private static JobDefinition Job(string id, ScheduleSpec schedule, bool enabled = true) =>
        new() { Id = id, Schedule = schedule, Handler = "noop", Payload = id, Enabled = enabled };

    [Fact]
    public async Task WholeClusterRestart_EveryJobIsListedAndFiresAgain()
    {
        var farAway = DateTimeOffset.UtcNow.AddDays(1);
        var firing = new[]
        {
            Job("durable/every-1s-a", ScheduleSpec.Every(TimeSpan.FromSeconds(1))),
            Job("durable/every-1s-b", ScheduleSpec.Every(TimeSpan.FromSeconds(1))),
            Job("durable/every-300ms", ScheduleSpec.Every(TimeSpan.FromMilliseconds(300))),
            Job("durable/cron-2s", ScheduleSpec.Cron("*/2 * * * * *")),
        };
        var quiet = new[]
        {
            Job("durable/paused", ScheduleSpec.Every(TimeSpan.FromSeconds(1)), enabled: false),
            Job("durable/tomorrow", ScheduleSpec.At(farAway)),
        };

        await using (var first = await RedisCluster.StartAsync(_redis, 2, "durability"))
        {
            using var client = await first.ConnectClientAsync();
            foreach (var job in firing.Concat(quiet)) await client.Scheduler().CreateAsync(job);
            await WaitUntilEachFiredAsync(client, firing, after: DateTimeOffset.MinValue, first);
            Assert.All(await first.StopAsync(), exit => Assert.Equal(0, exit));
            await client.StopAsync();
        }

        var restartedAt = DateTimeOffset.UtcNow;
        await using var second = await RedisCluster.StartAsync(_redis, 2, "durability");
        using var newClient = await second.ConnectClientAsync();
        var scheduler = newClient.Scheduler();

        var listed = (await scheduler.ListAsync(new JobQuery { IdPrefix = "durable/" })).Items;
        Assert.Equal(firing.Concat(quiet).Select(j => j.Id).Order(), listed.Select(j => j.Id).Order());
        await WaitUntilEachFiredAsync(newClient, firing, after: restartedAt, second);

        foreach (var job in firing.Concat(quiet))
        {
            var info = await scheduler.GetAsync(job.Id);
            Assert.NotNull(info);
            Assert.Equal(job, info.Definition);
        }
        var paused = await scheduler.GetAsync("durable/paused");
        Assert.Equal(JobStatus.Paused, paused!.Status);
        Assert.Empty(await scheduler.GetHistoryAsync("durable/paused"));
        var tomorrow = await scheduler.GetAsync("durable/tomorrow");
        Assert.Equal((JobStatus.Scheduled, farAway), (tomorrow!.Status, tomorrow.NextDueAt));
    }

    // Each job has an outcome scheduled after `after`, read from its history through the client.
    private static Task WaitUntilEachFiredAsync(IHost client, IEnumerable<JobDefinition> jobs, DateTimeOffset after, RedisCluster cluster)
    {
        var pending = jobs.Select(j => j.Id).ToHashSet();
        return SchedulerHostExtensions.EventuallyAsync(async () =>
        {
            foreach (var id in pending.ToList())
            {
                var history = await client.Scheduler().GetHistoryAsync(id, 10);
                if (history.Any(o => o.ScheduledAt > after && o.Status == Execution.ExecutionStatus.Succeeded)) pending.Remove(id);
            }
            return pending.Count == 0;
        }, TimeSpan.FromSeconds(90), () => $"not fired after {after:O}: {string.Join(", ", pending)}\n{cluster.Output}");
    }
}
