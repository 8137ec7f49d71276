using OrleansScheduler.Execution;
using OrleansScheduler.Jobs;
using Xunit;
using Xunit.Abstractions;

namespace OrleansScheduler.Tests.Redis;

/// <summary>
/// The misfire policies decide what happens to occurrences that fell while the whole cluster was down: the cluster on
/// Redis stops, stays down for several seconds past the misfire threshold, and a new one starts on the same Redis.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class MisfireTests(ITestOutputHelper output) : IAsyncLifetime
{
    // SchedulerOptions.MisfireThreshold's default: an occurrence later than this follows the policy.
    private static readonly TimeSpan Threshold = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    private static JobDefinition Job(MisfirePolicy policy) =>
        new() { Id = $"misfire/{policy}", Schedule = ScheduleSpec.Every(Interval), Handler = "noop", Misfire = policy };

    [Fact]
    public async Task WholeClusterDown_EachPolicyDecidesWhatFellMeanwhile()
    {
        var policies = new[] { MisfirePolicy.FireOnceNow, MisfirePolicy.FireAll, MisfirePolicy.Skip };
        DateTimeOffset stoppedAt;
        var lastBefore = new Dictionary<MisfirePolicy, DateTimeOffset>();
        await using (var first = await RedisCluster.StartAsync(_redis, 1, "misfire"))
        {
            using var client = await first.ConnectClientAsync();
            foreach (var policy in policies) await client.Scheduler().CreateAsync(Job(policy));
            await SchedulerHostExtensions.EventuallyAsync(async () =>
            {
                foreach (var policy in policies)
                    if ((await client.Scheduler().GetHistoryAsync(Job(policy).Id, 10)).Count < 3) return false;
                return true;
            }, TimeSpan.FromSeconds(60), () => first.Output);
            await client.StopAsync();
            stoppedAt = DateTimeOffset.UtcNow;
            Assert.All(await first.StopAsync(), exit => Assert.Equal(0, exit));
        }

        // Down for well past the threshold, so that several occurrences are missed by more than it.
        await Task.Delay(TimeSpan.FromSeconds(8));
        var restartedAt = DateTimeOffset.UtcNow;
        await using var second = await RedisCluster.StartAsync(_redis, 1, "misfire");
        using var newClient = await second.ConnectClientAsync();
        var scheduler = newClient.Scheduler();

        // Each job runs again on schedule; then its history tells what the policy did with the gap.
        var histories = new Dictionary<MisfirePolicy, IReadOnlyList<ExecutionOutcome>>();
        await SchedulerHostExtensions.EventuallyAsync(async () =>
        {
            foreach (var policy in policies)
            {
                var history = await scheduler.GetHistoryAsync(Job(policy).Id, 50);
                if (!history.Any(o => o.ScheduledAt > restartedAt + TimeSpan.FromSeconds(2))) return false;
                histories[policy] = history;
            }
            return true;
        }, TimeSpan.FromSeconds(90), () => second.Output);

        foreach (var policy in policies)
        {
            var history = histories[policy];
            var before = history.Where(o => o.StartedAt < stoppedAt).Max(o => o.ScheduledAt);
            // Occurrences due while nothing ran, later than the threshold when the new cluster could first fire them.
            var missed = history.Where(o => o.StartedAt > restartedAt && o.ScheduledAt < restartedAt - Threshold).Select(o => o.ScheduledAt).Distinct().Order().ToList();
            var expectedMissed = new List<DateTimeOffset>();
            for (var due = before + Interval; due < restartedAt - Threshold; due += Interval) expectedMissed.Add(due);
            output.WriteLine($"{policy}: last run before the stop {before:HH:mm:ss.fff}, stopped {stoppedAt:HH:mm:ss.fff}, restarted {restartedAt:HH:mm:ss.fff}; "
                + $"{expectedMissed.Count} missed by more than the threshold, {missed.Count} of them run after the restart");
            Assert.True(expectedMissed.Count >= 3, $"the cluster was down too briefly to miss occurrences: {expectedMissed.Count}");
            switch (policy)
            {
                case MisfirePolicy.FireAll:
                    Assert.Equal(expectedMissed, missed.Where(m => m > before).ToList());
                    break;
                case MisfirePolicy.FireOnceNow:
                    Assert.Single(missed);
                    break;
                case MisfirePolicy.Skip:
                    Assert.Empty(missed);
                    break;
            }
        }
    }
}
