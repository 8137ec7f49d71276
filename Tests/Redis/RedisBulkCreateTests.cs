using OrleansScheduler.Execution;
using OrleansScheduler.Jobs;
using Xunit;

namespace OrleansScheduler.Tests.Redis;

/// <summary>
/// Bulk creation on Redis: far jobs are written insert-only straight to the store, sleep in the stored wake index,
/// and a whole new cluster on the same Redis wakes and fires each of them once.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisBulkCreateTests : IAsyncLifetime
{
    // Near horizon 3 s: a job 30 s away is far (wake index), so the test needs no minutes of waiting.
    private static readonly string[] ShortHorizon = ["--Scheduler:NearHorizon", "00:00:03"];
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task BulkCreatedFarJobs_AreInsertOnly_SurviveAWholeClusterRestart_AndFireOnce()
    {
        var at = DateTimeOffset.UtcNow.AddSeconds(40);
        var jobs = Enumerable.Range(0, 30)
            .Select(i => new JobDefinition { Id = $"bulk/far-{i:D2}", Schedule = ScheduleSpec.At(at.AddMilliseconds(100 * i)), Handler = "noop" })
            .ToList();

        await using (var first = await RedisCluster.StartAsync(_redis, 2, "bulk", "scheduler-tests", ShortHorizon))
        {
            using var client = await first.ConnectClientAsync();
            var created = await client.Scheduler().CreateManyAsync(jobs);
            Assert.Equal(30, created.Created);
            Assert.Empty(created.Failed);

            // The store refuses a second insert of an existing job; those ids then take the job grain's path.
            var again = await client.Scheduler().CreateManyAsync(jobs);
            Assert.Equal(30, again.Unchanged);
            var changed = await client.Scheduler().CreateManyAsync([jobs[0] with { Payload = "other" }]);
            Assert.Equal(jobs[0].Id, Assert.Single(changed.Failed).JobId);

            Assert.All(await first.StopAsync(), exit => Assert.Equal(0, exit));
            await client.StopAsync();
        }

        await using var second = await RedisCluster.StartAsync(_redis, 2, "bulk", "scheduler-tests", ShortHorizon);
        using var newClient = await second.ConnectClientAsync();
        var scheduler = newClient.Scheduler();
        Assert.Equal(30, (await scheduler.ListAsync(new JobQuery { IdPrefix = "bulk/" })).Items.Count);

        await SchedulerHostExtensions.EventuallyAsync(async () =>
        {
            foreach (var job in jobs)
                if ((await scheduler.GetHistoryAsync(job.Id, 10)).Count == 0) return false;
            return true;
        }, TimeSpan.FromSeconds(90), () => $"not all fired\n{second.Output}");

        await Task.Delay(TimeSpan.FromSeconds(2)); // a duplicate, if any, would report by now
        foreach (var job in jobs)
        {
            var history = await scheduler.GetHistoryAsync(job.Id, 10);
            var run = Assert.Single(history);
            Assert.Equal(ExecutionStatus.Succeeded, run.Status);
            Assert.Equal(job.Schedule.RunAt, run.ScheduledAt);
            Assert.True(run.StartedAt >= run.ScheduledAt, $"{job.Id} ran early");
        }
        Assert.All(await second.StopAsync(), exit => Assert.Equal(0, exit));
    }
}
