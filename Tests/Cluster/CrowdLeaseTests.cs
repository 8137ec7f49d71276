using Microsoft.Extensions.DependencyInjection;
using OrleansScheduler.Client;
using OrleansScheduler.Execution;
using OrleansScheduler.Grains.Hosting;
using OrleansScheduler.Grains.Timing;
using OrleansScheduler.Grains.Workers;
using OrleansScheduler.Jobs;
using Xunit;

namespace OrleansScheduler.Tests.Cluster;

/// <summary>
/// A two-silo cluster with 10 s leases: jobs firing every second are leased (with the 4 s leases of
/// <see cref="LeaseFixture"/> they are not: a lease needs two occurrences past what the job dispatched itself).
/// </summary>
public sealed class CrowdLeaseFixture : ClusterFixture
{
    protected override void Configure(SchedulerOptions options)
    {
        base.Configure(options);
        options.LeaseLength = TimeSpan.FromSeconds(10);
    }
}

/// <summary>
/// Hundreds of leased jobs on the second: their occurrences are crowds on each silo's wheel, started by one lane per
/// core; the lanes record the outcomes with the leases once the crowd has started.
/// </summary>
public sealed class CrowdLeaseTests(CrowdLeaseFixture fixture) : IClassFixture<CrowdLeaseFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    // Nothing may start this long after its instant (generous: a loaded 2-core VM).
    private static readonly TimeSpan MaxLateness = TimeSpan.FromSeconds(2);
    private readonly JobScheduler _scheduler = new(fixture.Client);

    [Fact]
    public async Task LeasedJobsOnTheSecond_StartInCrowds_EveryOutcomeIsRecorded_AndTheCountsMatchTheRuns()
    {
        // 600 jobs: some 300 per silo due at each instant, a crowd (256 or more).
        var ids = Enumerable.Range(0, 600).Select(_ => $"crowd-{Guid.NewGuid():N}").ToList();
        var crowdsBefore = CrowdsHanded();
        await Task.WhenAll(ids.Select(id => _scheduler.CreateAsync(new JobDefinition { Id = id, Schedule = ScheduleSpec.Cron("*/1 * * * * *"), Handler = "record" })));
        await WaitUntilAsync(() => Task.FromResult(LeasesHeld() >= ids.Count), () => $"{ids.Count} leases held (held: {LeasesHeld()})");
        var leasedAt = DateTimeOffset.UtcNow;
        await WaitUntilAsync(() => Task.FromResult(ids.All(id => fixture.Recorder.For(id).Count(r => r.ScheduledAt > leasedAt) >= 8)),
            () => "eight runs of every job after their leases were granted (past the first seconds of a lease, which start through the de-duplication)");
        Assert.True(CrowdsHanded() > crowdsBefore, "no crowd was handed to lanes: the test did not exercise them");

        foreach (var id in ids) await _scheduler.PauseAsync(id);
        foreach (var id in ids)
        {
            await WaitUntilAsync(async () => (await _scheduler.GetAsync(id))!.SucceededCount == fixture.Recorder.For(id).Count,
                () => $"{id}: the succeeded count to match the {fixture.Recorder.For(id).Count} recorded runs");
            var runs = fixture.Recorder.For(id);
            var history = (await _scheduler.GetHistoryAsync(id)).Select(h => h.ExecutionId).ToHashSet();
            Assert.Equal(runs.Count, runs.Select(r => r.ExecutionId).Distinct().Count());
            Assert.Equal(runs.OrderByDescending(r => r.ScheduledAt).Take(50).Select(r => r.ExecutionId).ToHashSet(), history);
            Assert.All(runs, r => Assert.InRange(r.StartedAt - r.ScheduledAt, TimeSpan.Zero, MaxLateness));
        }

        foreach (var id in ids) await _scheduler.DeleteAsync(id);
    }

    private int LeasesHeld() => fixture.Cluster.Silos.Sum(silo => silo.ServiceProvider.GetRequiredService<ExecutionRunner>().LeaseCount);

    private long CrowdsHanded() => fixture.Cluster.Silos.Sum(silo => silo.ServiceProvider.GetRequiredService<TimingWheelDriver>().Crowds);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, Func<string> what)
    {
        var deadline = DateTimeOffset.UtcNow + Bound;
        while (!await condition())
        {
            if (DateTimeOffset.UtcNow > deadline) throw new TimeoutException($"not met within {Bound.TotalSeconds:0} s: {what()}");
            await Task.Delay(100);
        }
    }
}
