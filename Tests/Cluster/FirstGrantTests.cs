using Microsoft.Extensions.DependencyInjection;
using OrleansScheduler.Client;
using OrleansScheduler.Grains.Hosting;
using OrleansScheduler.Grains.Workers;
using OrleansScheduler.Jobs;
using Xunit;

namespace OrleansScheduler.Tests.Cluster;

/// <summary>
/// A two-silo cluster of its own with the default lease (two minutes, reported every lease): a lease's first report comes
/// long after the occurrences the job dispatched itself before granting it are overdue. Its own cluster, so that the
/// duplicates its workers drop are this test's alone.
/// </summary>
[CollectionDefinition(Name)]
public sealed class FirstGrantCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "first-grant";
}

[Collection(FirstGrantCollection.Name)]
public sealed class FirstGrantTests(ClusterFixture fixture)
{
    private readonly JobScheduler _scheduler = new(fixture.Client);

    [Fact]
    public async Task FirstGrant_TakesOverWhatTheJobDispatchedItself_WithoutTheJobSendingItAgain()
    {
        // The job dispatches its first lead + window itself (about 17 occurrences at 150 ms) and grants the lease from the
        // oldest of them it has not heard back about: the lease fires them too, the worker's de-duplication runs each
        // once, and the lease's reports acknowledge them. The job must not also send them again when they become overdue
        // (RedeliverAfter past their instants): that was a wake, a batch and an acknowledgement per job after every first
        // grant, each occurrence dropped by the worker as a duplicate.
        var interval = TimeSpan.FromMilliseconds(150);
        var id = $"first-grant-{Guid.NewGuid():N}";
        var droppedBefore = DuplicatesDropped();
        await _scheduler.CreateAsync(new JobDefinition { Id = id, Schedule = ScheduleSpec.Every(interval), Handler = "record" });
        var createdAt = (await _scheduler.GetAsync(id))!.CreatedAt;
        // Well past the point where the last occurrence the job dispatched itself became overdue.
        var options = new SchedulerOptions { DispatchLead = ClusterFixture.Lead };
        var overdueAt = createdAt + options.DispatchLead + options.DispatchWindow + options.RedeliverAfter;
        await fixture.Recorder.WaitForAsync(id, r => r.Count > 0 && r.Max(x => x.ScheduledAt) >= overdueAt + TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30));
        Assert.Equal(1, fixture.Cluster.Silos.Sum(silo => silo.ServiceProvider.GetRequiredService<ExecutionRunner>().LeaseCount));
        Assert.True(await _scheduler.DeleteAsync(id));

        Assert.Equal(0, DuplicatesDropped() - droppedBefore);
        var runs = fixture.Recorder.For(id).OrderBy(r => r.ScheduledAt).ToList();
        Assert.Equal(createdAt + interval, runs[0].ScheduledAt);
        for (var i = 1; i < runs.Count; i++) Assert.Equal(interval, runs[i].ScheduledAt - runs[i - 1].ScheduledAt);
        Assert.Equal(runs.Count, runs.Select(r => r.ExecutionId).Distinct().Count());
    }

    private long DuplicatesDropped() => fixture.Cluster.Silos.Sum(silo => silo.ServiceProvider.GetRequiredService<ExecutionRunner>().DuplicatesDropped);
}
