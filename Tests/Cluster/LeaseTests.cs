using Microsoft.Extensions.DependencyInjection;
using OrleansScheduler.Client;
using OrleansScheduler.Execution;
using OrleansScheduler.Grains;
using OrleansScheduler.Grains.Failover;
using OrleansScheduler.Grains.Hosting;
using OrleansScheduler.Grains.Workers;
using OrleansScheduler.Jobs;
using Xunit;

namespace OrleansScheduler.Tests.Cluster;

/// <summary>
/// A two-silo cluster with short leases, so that a test sees several renewals in a few seconds. The report interval is
/// half the lease (the most the validator allows) rather than shorter: a read that is current to within much less than
/// 2 s can then only be so through the collect path, not because a periodic report happened to land just before it.
/// </summary>
public sealed class LeaseFixture : ClusterFixture
{
    public static readonly TimeSpan LeaseLength = TimeSpan.FromSeconds(4);
    public static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(2);

    protected override void Configure(SchedulerOptions options)
    {
        base.Configure(options);
        options.LeaseLength = LeaseLength;
        options.LeaseReportInterval = ReportInterval;
    }
}

[CollectionDefinition(Name)]
public sealed class LeaseCollection : ICollectionFixture<LeaseFixture>
{
    public const string Name = "leases";
}

/// <summary>
/// Recurring jobs that fire at least twice per lease are leased to their worker, which fires them on its silo's wheel
/// and reports back in bulk. The first lead + window (0.5 + 2 s here) of a new schedule is still dispatched by the job
/// itself; tests that mean to exercise the lease wait past that point (<see cref="LeasedFrom"/>).
/// </summary>
[Collection(LeaseCollection.Name)]
public sealed class LeaseTests(LeaseFixture fixture)
{
    // Occurrences this far after the first one are the lease's (the job dispatches lead + window = 2.5 s itself).
    private static readonly TimeSpan LeasedFrom = TimeSpan.FromSeconds(3);
    // An outcome is recorded by the runner right after the handler returns; the record handler returns at once, so an
    // attempt that started this long before a read has surely finished on its worker (generous: a loaded 2-core VM).
    private static readonly TimeSpan Settled = TimeSpan.FromSeconds(1);
    // Nothing may start this long after its instant (generous: it is about 0–5 ms normally).
    private static readonly TimeSpan MaxLateness = TimeSpan.FromSeconds(2);

    private readonly JobScheduler _scheduler = new(fixture.Client);
    private ExecutionRecorder Recorder => fixture.Recorder;

    private static string NewId(string name) => $"{name}-{Guid.NewGuid():N}";

    private static JobDefinition Job(string id, ScheduleSpec schedule, string? payload = null) =>
        new() { Id = id, Schedule = schedule, Handler = "record", Payload = payload };

    // Leases the workers of the test cluster hold now (every silo).
    private int LeasesHeld() => fixture.Cluster.Silos.Sum(silo => silo.ServiceProvider.GetRequiredService<ExecutionRunner>().LeaseCount);

    private Task WaitForLeasesAsync(int count) => WaitUntilAsync(() => Task.FromResult(LeasesHeld() >= count), () => $"{count} leases held (held: {LeasesHeld()})");

    // Creates a job firing every `interval` and waits until a worker holds its lease and has run some of the lease's part.
    private async Task<(string Id, int LeasesBefore)> StartLeasedAsync(string name, TimeSpan interval)
    {
        var id = NewId(name);
        var leasesBefore = LeasesHeld();
        await _scheduler.CreateAsync(Job(id, ScheduleSpec.Every(interval)));
        await WaitForLeasesAsync(leasesBefore + 1);
        await WaitForLeasedRunsAsync(id);
        return (id, leasesBefore);
    }

    // Waits until the job has run occurrences from the lease's part of its schedule.
    private Task<IReadOnlyList<RecordedExecution>> WaitForLeasedRunsAsync(string id, int count = 3) =>
        Recorder.WaitForAsync(id, r => r.Count > 0 && r.Count(x => x.ScheduledAt - r[0].ScheduledAt >= LeasedFrom) >= count);

    [Fact]
    public async Task LeasedSchedules_RunEveryOccurrenceExactlyOnce_AcrossRenewals()
    {
        var interval = TimeSpan.FromMilliseconds(150);
        var fast = NewId("lease-interval");
        var cron = NewId("lease-cron");
        var leasesBefore = LeasesHeld();
        await _scheduler.CreateAsync(Job(fast, ScheduleSpec.Every(interval)));
        await _scheduler.CreateAsync(Job(cron, ScheduleSpec.Cron("* * * * * *")));
        var createdAt = (await _scheduler.GetAsync(fast))!.CreatedAt;

        // The interval job is leased to its worker and keeps running over three lease lengths (six renewals). The 1 Hz
        // cron job is leased or not depending on the phase of its wakes within the second: with a 4 s lease, after the
        // job's own 2.5 s of dispatch, its next two occurrences fall within the lease only when the wake comes in the
        // first half of a second (with the default 30 s lease it always is). Either way each second runs once.
        await WaitForLeasesAsync(leasesBefore + 1);
        var span = 3 * LeaseFixture.LeaseLength + TimeSpan.FromSeconds(1);
        await Recorder.WaitForAsync(fast, r => r.Count > 0 && r.Max(x => x.ScheduledAt) - r.Min(x => x.ScheduledAt) >= span, TimeSpan.FromSeconds(40));
        await Recorder.WaitForAsync(cron, r => r.Count >= 10, TimeSpan.FromSeconds(20));
        // Deleting the cron job drops its lease if it had one: the interval job's lease is still held after six renewals.
        Assert.True(await _scheduler.DeleteAsync(cron));
        Assert.Equal(leasesBefore + 1, LeasesHeld());
        Assert.True(await _scheduler.DeleteAsync(fast));

        var runs = Recorder.For(fast).OrderBy(r => r.ScheduledAt).ToList();
        // The first occurrence is one interval after creation, and every one after it ran once: no gap, no repeat,
        // including where the job's own dispatch hands over to the lease and where each renewal extends it.
        Assert.Equal(createdAt + interval, runs[0].ScheduledAt);
        for (var i = 1; i < runs.Count; i++)
            Assert.True(runs[i].ScheduledAt - runs[i - 1].ScheduledAt == interval,
                $"{runs[i - 1].ExecutionId} then {runs[i].ExecutionId}: {(runs[i].ScheduledAt - runs[i - 1].ScheduledAt).TotalMilliseconds} ms apart");
        Assert.Equal(runs.Count, runs.Select(r => r.ExecutionId).Distinct().Count());
        Assert.True(runs.Count >= span / interval, $"{runs.Count} runs");

        var cronRuns = Recorder.For(cron).OrderBy(r => r.ScheduledAt).ToList();
        Assert.All(cronRuns, r => Assert.Equal(0, r.ScheduledAt.Millisecond));
        for (var i = 1; i < cronRuns.Count; i++) Assert.Equal(TimeSpan.FromSeconds(1), cronRuns[i].ScheduledAt - cronRuns[i - 1].ScheduledAt);
        Assert.Equal(cronRuns.Count, cronRuns.Select(r => r.ExecutionId).Distinct().Count());

        Assert.All(runs.Concat(cronRuns), r =>
        {
            Assert.True(r.StartedAt >= r.ScheduledAt, $"{r.ExecutionId} started {(r.ScheduledAt - r.StartedAt).TotalMilliseconds} ms early");
            Assert.True(r.StartedAt - r.ScheduledAt < MaxLateness, $"{r.ExecutionId} started {(r.StartedAt - r.ScheduledAt).TotalMilliseconds} ms late");
            Assert.Equal(1, r.Attempt);
            Assert.Equal(1, r.JobVersion);
        });
        Assert.Equal(leasesBefore, LeasesHeld());
    }

    [Fact]
    public async Task ReadsWhileLeased_IncludeWhatTheWorkerHasNotReportedYet_AndCountEachOutcomeOnce()
    {
        var (id, _) = await StartLeasedAsync("lease-reads", TimeSpan.FromMilliseconds(200));

        // Reads at arbitrary moments of the 2 s report cycle: each one sees every run that finished before it. Without
        // the collect path about half of these reads would miss the runs since the last periodic report.
        for (var sample = 0; sample < 10; sample++)
        {
            var readAt = DateTimeOffset.UtcNow;
            var finished = Recorder.For(id).Where(r => r.StartedAt <= readAt - Settled).ToList();
            var history = await _scheduler.GetHistoryAsync(id);
            var info = (await _scheduler.GetAsync(id))!;
            var ranByNow = Recorder.For(id).Count;

            var inHistory = history.Select(h => h.ExecutionId).ToHashSet();
            // The history holds the newest 50 outcomes (10 s here): check the runs of the last few seconds.
            var recent = finished.Where(r => r.StartedAt > readAt - TimeSpan.FromSeconds(5)).ToList();
            Assert.NotEmpty(recent);
            Assert.All(recent, r => Assert.True(inHistory.Contains(r.ExecutionId),
                $"read {sample}: {r.ExecutionId} started {(readAt - r.StartedAt).TotalMilliseconds:0} ms before the read but is not in its history (newest there: {history.FirstOrDefault()?.ExecutionId})"));
            Assert.Equal(history.Count, inHistory.Count);
            Assert.All(history, h => Assert.Equal(ExecutionStatus.Succeeded, h.Status));
            Assert.InRange(info.SucceededCount, finished.Count, ranByNow);
            Assert.Equal(0, info.FailedCount);
            Assert.Equal(JobStatus.Scheduled, info.Status);
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(150, 450)));
        }

        // Once the lease ends (pause), its last outcomes come back with its final report: the counters match the runs
        // exactly, whichever way each outcome came (the job's own dispatch, a periodic report, a collection).
        await _scheduler.PauseAsync(id);
        await WaitUntilAsync(async () => (await _scheduler.GetAsync(id))!.SucceededCount == Recorder.For(id).Count,
            () => $"the succeeded count to match the {Recorder.For(id).Count} recorded runs");
        var runs = Recorder.For(id);
        await Task.Delay(LeaseFixture.ReportInterval);
        var final = (await _scheduler.GetAsync(id))!;
        Assert.Equal(runs.Count, Recorder.For(id).Count);
        Assert.Equal(runs.Count, final.SucceededCount);
        var lastHistory = await _scheduler.GetHistoryAsync(id);
        Assert.Equal(Math.Min(50, runs.Count), lastHistory.Count);
        Assert.Equal(lastHistory.Count, lastHistory.Select(h => h.ExecutionId).Distinct().Count());
        Assert.Subset(runs.Select(r => r.ExecutionId).ToHashSet(), lastHistory.Select(h => h.ExecutionId).ToHashSet());
        Assert.Contains(runs.OrderBy(r => r.ScheduledAt).Last().ExecutionId, lastHistory.Select(h => h.ExecutionId));
        await _scheduler.DeleteAsync(id);
    }

    [Fact]
    public async Task UpdateWhileLeased_TakesEffectAtOnce_OldVersionStops_NewIntervalIsLeased()
    {
        var id = NewId("lease-update");
        var oldInterval = TimeSpan.FromMilliseconds(200);
        var newInterval = TimeSpan.FromMilliseconds(300);
        var leasesBefore = LeasesHeld();
        await _scheduler.CreateAsync(Job(id, ScheduleSpec.Every(oldInterval), payload: "v1"));
        var createdAt = (await _scheduler.GetAsync(id))!.CreatedAt;
        await WaitForLeasesAsync(leasesBefore + 1);
        await WaitForLeasedRunsAsync(id);

        var calledAt = DateTimeOffset.UtcNow;
        var updated = await _scheduler.UpdateAsync(Job(id, ScheduleSpec.Every(newInterval), payload: "v2"));
        var returnedAt = DateTimeOffset.UtcNow;
        Assert.Equal(2, updated.Version);

        // The new version runs long enough to be leased and renewed.
        var records = await Recorder.WaitForAsync(id, r => r.Count(x => x.JobVersion == 2 && x.ScheduledAt - returnedAt >= LeasedFrom + LeaseFixture.LeaseLength) >= 3);
        await WaitForLeasesAsync(leasesBefore + 1);
        await _scheduler.DeleteAsync(id);
        records = Recorder.For(id);

        var old = records.Where(r => r.JobVersion == 1).ToList();
        var late = old.Where(r => r.ScheduledAt > returnedAt).ToList();
        Assert.True(late.Count == 0, $"{late.Count} occurrences of version 1 ran with instants after the update returned: {string.Join(", ", late.Select(r => r.ExecutionId))}");
        Assert.All(old, r => Assert.Equal("v1", r.Payload));

        var v2 = records.Where(r => r.JobVersion == 2).OrderBy(r => r.ScheduledAt).ToList();
        Assert.All(v2, r => Assert.Equal("v2", r.Payload));
        Assert.Equal(records.Count, records.Select(r => r.ExecutionId).Distinct().Count());
        // At once: the first instant of the new schedule after the update (occurrences are createdAt + k × 300 ms).
        Assert.InRange(v2[0].ScheduledAt, calledAt, returnedAt + newInterval);
        Assert.All(v2, r => Assert.Equal(0, (r.ScheduledAt - createdAt).Ticks % newInterval.Ticks));
        for (var i = 1; i < v2.Count; i++)
            Assert.True(v2[i].ScheduledAt - v2[i - 1].ScheduledAt == newInterval,
                $"{v2[i - 1].ExecutionId} then {v2[i].ExecutionId}: {(v2[i].ScheduledAt - v2[i - 1].ScheduledAt).TotalMilliseconds} ms apart");
        Assert.All(v2, r => Assert.True(r.StartedAt - r.ScheduledAt < MaxLateness, $"{r.ExecutionId} started {(r.StartedAt - r.ScheduledAt).TotalMilliseconds} ms late"));
    }

    [Fact]
    public async Task PauseResumeDeleteWhileLeased_RevokeTheLeaseBeforeReturning()
    {
        var interval = TimeSpan.FromMilliseconds(150);
        var (id, leasesBefore) = await StartLeasedAsync("lease-pause", interval);

        var paused = await _scheduler.PauseAsync(id);
        var pausedAt = DateTimeOffset.UtcNow;
        Assert.Equal(JobStatus.Paused, paused.Status);
        Assert.Null(paused.NextDueAt);
        // The worker dropped the lease during the call.
        Assert.Equal(leasesBefore, LeasesHeld());
        // Nothing due after the pause returned may run: watch for a report interval (13 periods), well inside what the
        // lease covered when it was revoked.
        await Task.Delay(LeaseFixture.ReportInterval);
        var afterPause = Recorder.For(id).Where(r => r.ScheduledAt > pausedAt).ToList();
        Assert.True(afterPause.Count == 0, $"ran while paused: {string.Join(", ", afterPause.Select(r => r.ExecutionId))}");
        Assert.Equal(JobStatus.Paused, (await _scheduler.GetAsync(id))!.Status);

        var resumed = await _scheduler.ResumeAsync(id);
        var resumedAt = DateTimeOffset.UtcNow;
        Assert.Equal(JobStatus.Scheduled, resumed.Status);
        // Leased again, and firing on the grid from the resume on.
        await WaitForLeasesAsync(leasesBefore + 1);
        await Recorder.WaitForAsync(id, r => r.Count(x => x.ScheduledAt - resumedAt >= LeasedFrom) >= 3);

        Assert.True(await _scheduler.DeleteAsync(id));
        var deletedAt = DateTimeOffset.UtcNow;
        Assert.Equal(leasesBefore, LeasesHeld());
        Assert.Null(await _scheduler.GetAsync(id));
        await Task.Delay(LeaseFixture.ReportInterval);
        var records = Recorder.For(id);
        var afterDelete = records.Where(r => r.ScheduledAt > deletedAt).ToList();
        Assert.True(afterDelete.Count == 0, $"ran after the delete: {string.Join(", ", afterDelete.Select(r => r.ExecutionId))}");
        Assert.Equal(records.Count, records.Select(r => r.ExecutionId).Distinct().Count());
        var sinceResume = records.Where(r => r.ScheduledAt > resumedAt).OrderBy(r => r.ScheduledAt).ToList();
        for (var i = 1; i < sinceResume.Count; i++) Assert.Equal(interval, sinceResume[i].ScheduledAt - sinceResume[i - 1].ScheduledAt);
        // Pause and resume each bump the version: what ran before the pause is version 1, what runs after the resume is its version.
        Assert.All(records.Where(r => r.ScheduledAt <= pausedAt), r => Assert.Equal(1, r.JobVersion));
        Assert.All(sinceResume, r => Assert.Equal(resumed.Version, r.JobVersion));
        Assert.Equal(leasesBefore, LeasesHeld());
    }

    [Fact]
    public async Task LeasedJobWithMaxRuns_RunsExactlyThatMany_ThenCompletes()
    {
        var id = NewId("lease-max");
        var interval = TimeSpan.FromMilliseconds(150);
        // 4.95 s of occurrences. The job grants the lease on its first wake and renews it every 2 s to 4 s ahead, so the
        // last grant reaches about 6 s after creation: the worker, not the lease's end, must stop at the cap.
        const int maxRuns = 33;
        var leasesBefore = LeasesHeld();
        await _scheduler.CreateAsync(Job(id, ScheduleSpec.Every(interval) with { MaxRuns = maxRuns }));
        var createdAt = (await _scheduler.GetAsync(id))!.CreatedAt;
        await WaitForLeasesAsync(leasesBefore + 1);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        JobInfo info;
        while ((info = (await _scheduler.GetAsync(id))!).Status != JobStatus.Completed)
        {
            Assert.True(DateTime.UtcNow < deadline, $"not completed within 30 s: {info.Status}, {Recorder.For(id).Count} runs, {info.SucceededCount} succeeded");
            await Task.Delay(100);
        }

        var runs = Recorder.For(id).OrderBy(r => r.ScheduledAt).ToList();
        Assert.Equal(maxRuns, runs.Count);
        Assert.Equal(createdAt + interval, runs[0].ScheduledAt);
        Assert.Equal(createdAt + maxRuns * interval, runs[^1].ScheduledAt);
        Assert.Equal(maxRuns, runs.Select(r => r.ExecutionId).Distinct().Count());
        Assert.Equal(maxRuns, info.SucceededCount);
        Assert.Equal(maxRuns, info.DispatchedCount);
        Assert.Null(info.NextDueAt);

        // Completed for good: nothing past the cap runs later (the lease reached beyond the last occurrence).
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(maxRuns, Recorder.For(id).Count);
        Assert.Equal(JobStatus.Completed, (await _scheduler.GetAsync(id))!.Status);
        await _scheduler.DeleteAsync(id);
    }

    [Fact]
    public async Task JobDeactivatedWhileLeased_TheLeaseKeepsFiring_AndTheNextActivationTakesItOverWithoutRepeats()
    {
        var interval = TimeSpan.FromMilliseconds(150);
        var (id, leasesBefore) = await StartLeasedAsync("lease-deactivated", interval);

        // The runtime collects the job's activation (as under memory pressure); the job is woken again at once and its
        // new activation resumes from the stored resume point while the worker still holds the lease.
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
        await Recorder.WaitForAsync(id, r => r.Count(x => x.ScheduledAt - reactivatedAt >= LeaseFixture.LeaseLength + LeasedFrom) >= 3, TimeSpan.FromSeconds(30));
        Assert.Equal(leasesBefore + 1, LeasesHeld());
        var info = (await _scheduler.GetAsync(id))!;
        Assert.True(await _scheduler.DeleteAsync(id));
        Assert.Equal(leasesBefore, LeasesHeld());

        var runs = Recorder.For(id).OrderBy(r => r.ScheduledAt).ToList();
        for (var i = 1; i < runs.Count; i++)
            Assert.True(runs[i].ScheduledAt - runs[i - 1].ScheduledAt == interval,
                $"{runs[i - 1].ExecutionId} then {runs[i].ExecutionId}: {(runs[i].ScheduledAt - runs[i - 1].ScheduledAt).TotalMilliseconds} ms apart");
        Assert.Equal(runs.Count, runs.Select(r => r.ExecutionId).Distinct().Count());
        Assert.All(runs, r => Assert.Equal(1, r.JobVersion));
        // What the job counts survived the change of activation (history and counters are written on deactivation).
        Assert.InRange(info.SucceededCount, runs.Count(r => r.StartedAt < reactivatedAt), runs.Count);
        Assert.Equal(0, info.FailedCount);
    }

    [Fact]
    public async Task LeasedJob_KeepsItsRegistryRecord_AndNoReminder_UntilItsScheduleNoLongerLeases()
    {
        var (id, leasesBefore) = await StartLeasedAsync("lease-reminder", TimeSpan.FromMilliseconds(150));
        var grainId = fixture.Client.GetGrain<IJobGrain>(id).GetGrainId();

        // While the worker holds the schedule the job keeps its registry record (failover finds it there) and no reminder:
        // the worker calls it when no renewal comes. Ten thousand leased jobs tick no reminders.
        await WaitUntilAsync(async () => await ReminderAsync(grainId) is null, () => "the leased job to hold no reminder");
        Assert.Contains(id, await RegisteredAsync(id));

        // Every 30 s: no two occurrences in a lease, so the job fires itself again and its reminder is back.
        await _scheduler.UpdateAsync(Job(id, ScheduleSpec.Every(TimeSpan.FromSeconds(30))));
        await WaitUntilAsync(async () => await ReminderAsync(grainId) is { } r && r.Period == new SchedulerOptions().ReminderPeriod,
            () => "the job's reminder to be registered again");
        Assert.Equal(leasesBefore, LeasesHeld());

        Assert.True(await _scheduler.DeleteAsync(id));
        Assert.Null(await ReminderAsync(grainId));
    }

    [Fact]
    public async Task LeasedJob_WhoseRegistryRecordWasTakenAway_StoresItAgain()
    {
        var (id, _) = await StartLeasedAsync("lease-registry", TimeSpan.FromMilliseconds(150));
        var registry = fixture.Client.GetGrain<IJobRegistryGrain>(JobRegistry.BucketOf(id));
        Assert.Contains(id, await RegisteredAsync(id));

        // A duplicate activation records itself over the job's record, then Orleans removes it and it takes the record
        // with it: a silo failure would then not wake the job. The next renewal stores the record again.
        await TakeAwayAsync();
        await WaitUntilAsync(async () => (await RegisteredAsync(id)).Contains(id), () => "the renewal to store the registry record again");

        // The silo that saw the duplicate go wakes the job at once, and the job stores its record again then.
        await TakeAwayAsync();
        await fixture.Client.GetGrain<IJobGrain>(id).PingAsync();
        Assert.Contains(id, await RegisteredAsync(id));
        Assert.True(await _scheduler.DeleteAsync(id));

        async Task TakeAwayAsync()
        {
            await registry.RegisterAsync(id, "a-silo-that-is-gone", 1);
            await registry.UnregisterAsync(id, "a-silo-that-is-gone", 1);
            // Unregister is one-way: wait until the registry has taken it.
            await WaitUntilAsync(async () => !(await RegisteredAsync(id)).Contains(id), () => "the record to be taken away");
        }
    }

    // The jobs of the job's registry bucket (every record is an orphan when no silo counts as active).
    private Task<string[]> RegisteredAsync(string id) => fixture.Client.GetGrain<IJobRegistryGrain>(JobRegistry.BucketOf(id)).OrphansAsync([]);

    private Task<ReminderEntry?> ReminderAsync(GrainId grainId) =>
        fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IReminderTable>().ReadRow(grainId, "wake")!;

    // Job activations the cluster's silos have had so far.
    private long JobActivations() => fixture.Cluster.Silos.Sum(silo => silo.ServiceProvider.GetRequiredService<LocalJobs>().Activated);

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
