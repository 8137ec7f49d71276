using Microsoft.Extensions.DependencyInjection;
using OrleansScheduler.Client;
using OrleansScheduler.Execution;
using OrleansScheduler.Grains.Failover;
using OrleansScheduler.Grains.Hosting;
using OrleansScheduler.Grains.Workers;
using OrleansScheduler.Jobs;
using Xunit;

namespace OrleansScheduler.Tests.Cluster;

/// <summary>
/// A two-silo cluster whose leased jobs learn how far their lease has finished only at renewals: a 12 s lease, renewed
/// when half of it is left (6–9 s apart), and no periodic report in between (the report interval is the lease). The
/// resume point a job has stored is then up to a whole renewal period behind what its worker has run.
/// </summary>
public sealed class LeaseResumeFixture : ClusterFixture
{
    public static readonly TimeSpan LeaseLength = TimeSpan.FromSeconds(12);

    protected override void Configure(SchedulerOptions options)
    {
        base.Configure(options);
        options.LeaseLength = LeaseLength;
        options.LeaseReportInterval = null;
    }
}

[CollectionDefinition(Name)]
public sealed class LeaseResumeCollection : ICollectionFixture<LeaseResumeFixture>
{
    public const string Name = "lease-resume";
}

/// <summary>
/// A job activation that goes away while its schedule is leased: the next activation must not run again, as missed
/// (<see cref="MisfirePolicy.FireAll"/>), what the lease ran since the last renewal. It resumes from how far the worker
/// has finished (JobGrain.ResumeFromWorkerAsync); with the worker's lease still live, the worker also drops what its
/// lease already fired (LeaseCover), so this in-process test guards the outcome rather than that one step: the crash of
/// a job's silo with the store surviving it, where only the resume step helps, needs separate processes on Redis.
/// </summary>
[Collection(LeaseResumeCollection.Name)]
public sealed class LeaseResumeTests(LeaseResumeFixture fixture)
{
    // Occurrences this far after the first one are the lease's (the job dispatches lead + window = 2.5 s itself).
    private static readonly TimeSpan LeasedFrom = TimeSpan.FromSeconds(3);

    private readonly JobScheduler _scheduler = new(fixture.Client);
    private ExecutionRecorder Recorder => fixture.Recorder;

    private static string NewId(string name) => $"{name}-{Guid.NewGuid():N}";

    // Leases the workers of the test cluster hold now (every silo).
    private int LeasesHeld() => fixture.Cluster.Silos.Sum(silo => silo.ServiceProvider.GetRequiredService<ExecutionRunner>().LeaseCount);

    // Job activations the cluster's silos have had so far.
    private long JobActivations() => fixture.Cluster.Silos.Sum(silo => silo.ServiceProvider.GetRequiredService<LocalJobs>().Activated);

    [Fact]
    public async Task JobReactivatedMidLease_ResumesFromTheWorkersProgress_NotItsStaleResumePoint_NoRepeatsWithFireAll()
    {
        var id = NewId("lease-resume");
        var interval = TimeSpan.FromMilliseconds(100);
        var leasesBefore = LeasesHeld();
        await _scheduler.CreateAsync(new JobDefinition
        {
            Id = id,
            Schedule = ScheduleSpec.Every(interval),
            Handler = "record",
            Misfire = MisfirePolicy.FireAll,
        });
        await WaitUntilAsync(() => Task.FromResult(LeasesHeld() >= leasesBefore + 1), () => $"{leasesBefore + 1} leases held (held: {LeasesHeld()})");

        // A few seconds of the lease's own runs: the worker is well past anything the job learned when it granted.
        await Recorder.WaitForAsync(id, r => r.Count > 0 && r.Count(x => x.ScheduledAt - r[0].ScheduledAt >= LeasedFrom) >= 30);

        // The runtime collects the job's activation (as under memory pressure) and the job is woken again at once: its
        // new activation starts while the worker still holds the lease and has run past the stored resume point.
        var activatedBefore = JobActivations();
        var management = fixture.Client.GetGrain<IManagementGrain>(0);
        await WaitUntilAsync(async () =>
        {
            if (JobActivations() > activatedBefore) return true;
            await management.ForceActivationCollection(TimeSpan.Zero);
            await Task.Delay(200);
            return JobActivations() > activatedBefore;
        }, () => "the job's activation to be collected and a new one to start");
        var reactivatedAt = DateTimeOffset.UtcNow;

        // Long enough for anything the new activation would re-dispatch as missed to have run.
        await Recorder.WaitForAsync(id, r => r.Count(x => x.ScheduledAt >= reactivatedAt) >= 30, TimeSpan.FromSeconds(30));
        Assert.Equal(leasesBefore + 1, LeasesHeld());
        Assert.True(await _scheduler.DeleteAsync(id));
        Assert.Equal(leasesBefore, LeasesHeld());

        var runs = Recorder.For(id).OrderBy(r => r.ScheduledAt).ToList();
        var repeated = runs.GroupBy(r => r.ScheduledAt).Where(g => g.Count() > 1).ToList();
        Assert.True(repeated.Count == 0,
            $"{repeated.Count} occurrences ran more than once after the reactivation at {reactivatedAt:HH:mm:ss.fff}: "
            + string.Join(", ", repeated.Take(10).Select(g => $"{g.Key:HH:mm:ss.fff} ×{g.Count()} (started {string.Join(" / ", g.Select(r => r.StartedAt.ToString("HH:mm:ss.fff")))})")));
        Assert.Equal(runs.Count, runs.Select(r => r.ExecutionId).Distinct().Count());
        for (var i = 1; i < runs.Count; i++)
            Assert.True(runs[i].ScheduledAt - runs[i - 1].ScheduledAt == interval,
                $"{runs[i - 1].ExecutionId} then {runs[i].ExecutionId}: {(runs[i].ScheduledAt - runs[i - 1].ScheduledAt).TotalMilliseconds} ms apart");
        Assert.All(runs, r => Assert.Equal(1, r.JobVersion));
        Assert.True(runs.Count(r => r.ScheduledAt >= reactivatedAt) >= 30, $"{runs.Count} runs");
    }

    // What the workers of the cluster hold of the job's lease (taking its report), or null.
    private LeaseReport? CollectLease(string jobId) =>
        fixture.Cluster.Silos.Select(silo => silo.ServiceProvider.GetRequiredService<ExecutionRunner>().Collect(jobId)).FirstOrDefault(r => r is not null);

    [Fact]
    public async Task FirstGrant_TheLeaseVouchesForNothingBeforeItRan()
    {
        // Every 2 s: the first occurrence is inside the job's own first dispatch (lead + window, 2.5 s), so the job sends
        // it itself and then grants the lease for the rest. A new activation resumes from what the lease says has
        // finished (ResumeFromWorkerAsync): had the lease counted the job's own dispatch as finished, an activation taking
        // over before that occurrence ran would skip it, and if its delivery was lost (a silo stopping), nothing would
        // ever run it.
        // The lease is granted one lead (0.5 s) before the first occurrence: on a loaded machine the poll may see it only
        // after that occurrence ran, and then the check tells nothing. Such a try is repeated with a new job.
        for (var attempt = 1; ; attempt++)
        {
            var id = NewId("lease-vouch");
            await _scheduler.CreateAsync(new JobDefinition { Id = id, Schedule = ScheduleSpec.Every(TimeSpan.FromSeconds(2)), Handler = "record" });
            LeaseReport? report = null;
            await WaitUntilAsync(() => Task.FromResult((report = CollectLease(id)) is not null), () => "a worker holds the job's lease");
            var ranBefore = Recorder.For(id).Count > 0;
            var first = (await Recorder.WaitForCountAsync(id, 1))[0];
            await _scheduler.DeleteAsync(id);
            if (ranBefore && attempt < 5) continue;
            Assert.False(ranBefore, $"in {attempt} tries the lease was never seen before the job's first occurrence ran");
            Assert.True(report!.FinishedThrough < first.ScheduledAt,
                $"before anything ran, the lease said every occurrence through {report.FinishedThrough:HH:mm:ss.fff} had finished; the first is at {first.ScheduledAt:HH:mm:ss.fff}");
            return;
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, Func<string> what)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(20);
        while (!await condition())
        {
            if (DateTimeOffset.UtcNow > deadline) throw new TimeoutException($"not met within 20 s: {what()}");
            await Task.Delay(50);
        }
    }
}
