using Microsoft.Extensions.DependencyInjection;
using OrleansScheduler.Grains.Failover;
using OrleansScheduler.Client;
using OrleansScheduler.Grains;
using OrleansScheduler.Grains.Hosting;
using OrleansScheduler.Jobs;
using Xunit;

namespace OrleansScheduler.Tests.Cluster;

/// <summary>
/// A two-silo cluster whose near horizon is 2 s, so that a job a few seconds away is "far": it sleeps in the wake index
/// (no activation, no reminder) and is woken shortly before it is due.
/// </summary>
public sealed class FarHorizonFixture : ClusterFixture
{
    public static readonly TimeSpan NearHorizon = TimeSpan.FromSeconds(2);

    protected override void Configure(SchedulerOptions options)
    {
        base.Configure(options);
        options.NearHorizon = NearHorizon;
    }
}

[CollectionDefinition(Name)]
public sealed class FarHorizonCollection : ICollectionFixture<FarHorizonFixture>
{
    public const string Name = "far horizon";
}

[Collection(FarHorizonCollection.Name)]
public sealed class FarHorizonTests(FarHorizonFixture fixture)
{
    private readonly JobScheduler _scheduler = new(fixture.Cluster.Client);
    private ExecutionRecorder Recorder => fixture.Recorder;
    private IGrainFactory Grains => fixture.Cluster.Client;

    private static string NewId(string name) => $"{name}-{Guid.NewGuid():N}";

    private static JobDefinition Job(string id, ScheduleSpec schedule) => new() { Id = id, Schedule = schedule, Handler = "record" };

    // Entries for these jobs across all wake-index buckets.
    private async Task<int> IndexedAsync(IEnumerable<string> jobIds)
    {
        var buckets = jobIds.Select(JobWakeIndex.BucketOf).Distinct();
        var counts = await Task.WhenAll(buckets.Select(b => Grains.GetGrain<IJobWakeIndexGrain>(b).DescribeAsync()));
        return counts.Sum(c => c.Count);
    }

    // Job activations the cluster's silos have had so far.
    private long Activated() => fixture.Cluster.Silos.Sum(silo => silo.ServiceProvider.GetRequiredService<LocalJobs>().Activated);

    [Fact]
    public async Task BulkCreate_StoresFarJobsWithoutActivating_ReportsBadOnes_AndEveryJobFiresOnce()
    {
        var prefix = NewId("bulk");
        var at = DateTimeOffset.UtcNow.AddSeconds(9);
        var far = Enumerable.Range(0, 40).Select(i => Job($"{prefix}-far-{i:D2}", ScheduleSpec.At(at.AddMilliseconds(10 * i)))).ToList();
        var near = Job($"{prefix}-near", ScheduleSpec.At(DateTimeOffset.UtcNow.AddSeconds(1.5)));
        var badCron = Job($"{prefix}-bad", ScheduleSpec.Cron("not a cron"));
        var repeated = far[3] with { Payload = "again" };

        var activatedBefore = Activated();
        var progress = new List<int>();
        var result = await _scheduler.CreateManyAsync([.. far, near, badCron, repeated], progress: new SyncProgress(progress));

        Assert.Equal(43, result.Total);
        Assert.Equal(41, result.Created);
        Assert.Equal(2, result.Failed.Count);
        Assert.Contains(result.Failed, f => f.JobId == badCron.Id && f.Error!.Contains("Cron", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(result.Failed, f => f.JobId == repeated.Id && f.Error!.Contains("more than once", StringComparison.Ordinal));
        Assert.Equal(43, progress.Max());
        // The far ones sleep in the wake index; none of them was activated.
        Assert.Equal(40, await IndexedAsync(far.Select(j => j.Id)));
        // Through job grains, the 40 far jobs would have meant 40 activations. Allowed: the near one, and a few late
        // messages of earlier tests' deleted jobs (an outcome report activates a deleted job, which then has nothing to do).
        var activated = Activated() - activatedBefore;
        Assert.True(activated <= 5, $"{activated} job activations during a bulk creation of 40 far jobs and 1 near one");
        var listed = await _scheduler.ListAsync(new JobQuery { IdPrefix = prefix, Limit = 100 });
        Assert.Equal(41, listed.Items.Count);
        Assert.Null(await _scheduler.GetAsync(badCron.Id));

        foreach (var job in far.Append(near))
        {
            var records = await Recorder.WaitForCountAsync(job.Id, 1, TimeSpan.FromSeconds(40));
            Assert.Single(records);
            Assert.True(records[0].StartedAt >= records[0].ScheduledAt, $"{job.Id} ran early");
        }
        // One-shots done: off the index.
        await WaitUntilAsync(async () => await IndexedAsync(far.Select(j => j.Id)) == 0);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.All(far, job => Assert.Single(Recorder.For(job.Id)));
    }

    [Fact]
    public async Task BulkCreate_OverExistingJobs_IsUnchanged_Conflict_OrUpdatedWithUpsert()
    {
        var id = NewId("existing");
        var original = Job(id, ScheduleSpec.Cron("0 0 0 1 1 *"));
        Assert.Equal(CreateJobResult.Created, await _scheduler.CreateAsync(original));
        var changed = original with { Payload = "changed" };

        var same = await _scheduler.CreateManyAsync([original]);
        var conflict = await _scheduler.CreateManyAsync([changed]);
        var upsert = await _scheduler.CreateManyAsync([changed], upsert: true);

        Assert.Equal(1, same.Unchanged);
        Assert.Equal(id, Assert.Single(conflict.Failed).JobId);
        Assert.Equal(1, upsert.Updated);
        Assert.Equal("changed", (await _scheduler.GetAsync(id))!.Definition.Payload);
        Assert.Equal(1, await IndexedAsync([id]));
        Assert.True(await _scheduler.DeleteAsync(id));
        Assert.Equal(0, await IndexedAsync([id]));
    }

    [Fact]
    public async Task RecurringFarJob_SleepsInTheIndexBetweenOccurrences_AndFiresEachOnce()
    {
        var id = NewId("every5s");
        var start = DateTimeOffset.UtcNow.AddSeconds(4);
        await _scheduler.CreateAsync(Job(id, ScheduleSpec.Every(TimeSpan.FromSeconds(5)) with { StartAt = start }));
        Assert.Equal(1, await IndexedAsync([id]));

        var records = await Recorder.WaitForCountAsync(id, 3, TimeSpan.FromSeconds(40));
        // Between occurrences it was far again (4.5 s to the next dispatch > 2 s near horizon): back in the index.
        await WaitUntilAsync(async () => await IndexedAsync([id]) == 1);
        await _scheduler.DeleteAsync(id);

        var instants = records.Take(3).Select(r => r.ScheduledAt).ToList();
        Assert.Equal(TimeSpan.FromSeconds(5), instants[1] - instants[0]);
        Assert.Equal(TimeSpan.FromSeconds(5), instants[2] - instants[1]);
        Assert.Equal(records.Count, records.Select(r => r.ExecutionId).Distinct().Count());
        Assert.All(records, r => Assert.True(r.StartedAt >= r.ScheduledAt && r.StartedAt - r.ScheduledAt < TimeSpan.FromSeconds(2),
            $"{r.ExecutionId} started {(r.StartedAt - r.ScheduledAt).TotalMilliseconds:0} ms after its instant"));
        Assert.Equal(0, await IndexedAsync([id]));
    }

    [Fact]
    public async Task PausedOrDeletedFarJob_LeavesTheIndex_AndNeverFires()
    {
        var paused = NewId("paused");
        var deleted = NewId("deleted");
        var at = DateTimeOffset.UtcNow.AddSeconds(6);
        await _scheduler.CreateManyAsync([Job(paused, ScheduleSpec.At(at)), Job(deleted, ScheduleSpec.At(at))]);
        Assert.Equal(2, await IndexedAsync([paused, deleted]));

        await _scheduler.PauseAsync(paused);
        Assert.True(await _scheduler.DeleteAsync(deleted));

        Assert.Equal(0, await IndexedAsync([paused, deleted]));
        await Task.Delay(at - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(2));
        Assert.Empty(Recorder.For(paused));
        Assert.Empty(Recorder.For(deleted));
        Assert.Equal(JobStatus.Paused, (await _scheduler.GetAsync(paused))!.Status);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            if (DateTimeOffset.UtcNow > deadline) throw new TimeoutException("condition not met within 30 s");
            await Task.Delay(100);
        }
    }

    // Progress<T> posts to the thread pool; this records synchronously so the test sees every report.
    private sealed class SyncProgress(List<int> values) : IProgress<int>
    {
        public void Report(int value)
        {
            lock (values) values.Add(value);
        }
    }
}
