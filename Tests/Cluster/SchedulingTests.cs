using OrleansScheduler.Client;
using OrleansScheduler.Execution;
using OrleansScheduler.Jobs;
using Xunit;

namespace OrleansScheduler.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class SchedulingTests(ClusterFixture fixture)
{
    private readonly JobScheduler _scheduler = new(fixture.Client);
    private ExecutionRecorder Recorder => fixture.Recorder;

    private static string NewId(string name) => $"{name}-{Guid.NewGuid():N}";

    private static JobDefinition Job(string id, ScheduleSpec schedule, string handler = "record", string? payload = null) =>
        new() { Id = id, Schedule = schedule, Handler = handler, Payload = payload };

    [Fact]
    public async Task CronWithSeconds_FiresAtTheScheduledInstants()
    {
        var id = NewId("cron");
        await _scheduler.CreateAsync(Job(id, ScheduleSpec.Cron("*/2 * * * * *")));

        var records = await Recorder.WaitForCountAsync(id, 3);
        await _scheduler.DeleteAsync(id);

        foreach (var r in records.Take(3))
        {
            Assert.Equal(0, r.ScheduledAt.Millisecond);
            Assert.Equal(0, r.ScheduledAt.Second % 2);
            Assert.True(r.StartedAt >= r.ScheduledAt, $"{r.ExecutionId} started {(r.ScheduledAt - r.StartedAt).TotalMilliseconds} ms early");
            Assert.True(r.StartedAt - r.ScheduledAt < TimeSpan.FromSeconds(1), $"{r.ExecutionId} started {(r.StartedAt - r.ScheduledAt).TotalMilliseconds} ms late");
            Assert.Equal(ExecutionIds.For(id, r.ScheduledAt), r.ExecutionId);
        }
        var instants = records.Take(3).Select(r => r.ScheduledAt).ToList();
        Assert.Equal(TimeSpan.FromSeconds(2), instants[1] - instants[0]);
        Assert.Equal(TimeSpan.FromSeconds(2), instants[2] - instants[1]);
    }

    [Fact]
    public async Task Interval200ms_FiresFiveTimesASecond_EachOccurrenceOnce()
    {
        var id = NewId("interval");
        await _scheduler.CreateAsync(Job(id, ScheduleSpec.Every(TimeSpan.FromMilliseconds(200))));

        var records = await Recorder.WaitForCountAsync(id, 16);
        await _scheduler.DeleteAsync(id);

        var first = records[0].ScheduledAt;
        // Every instant of the schedule in the first three seconds ran, once.
        var window = records.Where(r => r.ScheduledAt < first + TimeSpan.FromSeconds(3)).Select(r => r.ScheduledAt).ToList();
        Assert.Equal(15, window.Count);
        Assert.Equal(window.Count, window.Distinct().Count());
        for (var i = 1; i < window.Count; i++) Assert.Equal(TimeSpan.FromMilliseconds(200), window[i] - window[i - 1]);
        Assert.Equal(records.Count, records.Select(r => r.ExecutionId).Distinct().Count());
        Assert.All(records, r => Assert.True(r.StartedAt >= r.ScheduledAt, $"{r.ExecutionId} ran early"));
    }

    [Fact]
    public async Task Update_TakesEffectAtOnce()
    {
        var id = NewId("update");
        await _scheduler.CreateAsync(Job(id, ScheduleSpec.Every(TimeSpan.FromSeconds(1)), payload: "v1"));
        await Recorder.WaitForCountAsync(id, 1);

        var info = await _scheduler.UpdateAsync(Job(id, ScheduleSpec.Every(TimeSpan.FromMilliseconds(100)), payload: "v2"));
        Assert.Equal(2, info.Version);
        var records = await Recorder.WaitForAsync(id, r => r.Count(x => x.Payload == "v2") >= 10);
        await _scheduler.DeleteAsync(id);

        var v2 = records.Where(r => r.Payload == "v2").Take(10).Select(r => r.ScheduledAt).ToList();
        for (var i = 1; i < v2.Count; i++) Assert.Equal(TimeSpan.FromMilliseconds(100), v2[i] - v2[i - 1]);
    }

    [Fact]
    public async Task UpdateInsideTheLeadWindow_OldVersionDoesNotRun()
    {
        var id = NewId("lead");
        var interval = TimeSpan.FromSeconds(2);
        await _scheduler.CreateAsync(Job(id, ScheduleSpec.Every(interval), payload: "old"));
        var first = (await Recorder.WaitForCountAsync(id, 1))[0];

        // The next occurrence was handed to its worker a lead (500 ms) or more before it (a wake dispatches the next
        // 2 s); update 400 ms before it is due, which leaves a loaded machine time for the update to return before it.
        var nextDue = first.ScheduledAt + interval;
        var wait = nextDue - TimeSpan.FromMilliseconds(400) - DateTimeOffset.UtcNow;
        Assert.True(wait > TimeSpan.Zero, "the test started too late to act inside the lead window");
        await Task.Delay(wait);
        var info = await _scheduler.UpdateAsync(Job(id, ScheduleSpec.Every(interval), payload: "new"));
        Assert.True(DateTimeOffset.UtcNow < nextDue, "the update returned after the occurrence was due; the lead window was not exercised");

        var records = await Recorder.WaitForAsync(id, r => r.Any(x => x.Payload == "new"));
        await _scheduler.DeleteAsync(id);
        Assert.DoesNotContain(records, r => r.Payload == "old" && r.ScheduledAt >= nextDue);
        Assert.All(records.Where(r => r.Payload == "new"), r => Assert.Equal(info.Version, r.JobVersion));
    }

    [Fact]
    public async Task Pause_StopsFiring_Resume_RestartsIt()
    {
        var id = NewId("pause");
        await _scheduler.CreateAsync(Job(id, ScheduleSpec.Every(TimeSpan.FromMilliseconds(100))));
        await Recorder.WaitForCountAsync(id, 3);

        var paused = await _scheduler.PauseAsync(id);
        Assert.Equal(JobStatus.Paused, paused.Status);
        var pausedAt = DateTimeOffset.UtcNow;
        var countAtPause = Recorder.For(id).Count;
        // Nothing due after the pause may run: watch for a second (ten periods).
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(Recorder.For(id), r => r.ScheduledAt > pausedAt);
        Assert.InRange(Recorder.For(id).Count, countAtPause, countAtPause + 1);

        var resumed = await _scheduler.ResumeAsync(id);
        Assert.Equal(JobStatus.Scheduled, resumed.Status);
        var resumedAt = DateTimeOffset.UtcNow;
        await Recorder.WaitForAsync(id, r => r.Count(x => x.ScheduledAt > resumedAt) >= 3);
        await _scheduler.DeleteAsync(id);
    }

    [Fact]
    public async Task Delete_StopsFiring_AndRemovesTheJob()
    {
        var id = NewId("delete");
        await _scheduler.CreateAsync(Job(id, ScheduleSpec.Every(TimeSpan.FromMilliseconds(100))));
        await Recorder.WaitForCountAsync(id, 2);

        Assert.True(await _scheduler.DeleteAsync(id));
        var deletedAt = DateTimeOffset.UtcNow;
        Assert.Null(await _scheduler.GetAsync(id));
        Assert.False(await _scheduler.DeleteAsync(id));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(Recorder.For(id), r => r.ScheduledAt > deletedAt);
        var page = await _scheduler.ListAsync(new JobQuery { IdPrefix = id });
        Assert.Empty(page.Items);
    }

    [Fact]
    public async Task TriggerNow_RunsOnceImmediately()
    {
        var id = NewId("trigger");
        await _scheduler.CreateAsync(Job(id, ScheduleSpec.Cron("0 0 0 1 1 *")));

        var executionId = await _scheduler.TriggerAsync(id);
        var records = await Recorder.WaitForCountAsync(id, 1);
        Assert.Equal(executionId, records[0].ExecutionId);
        Assert.Contains("@!", executionId);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.Single(Recorder.For(id));
        await _scheduler.DeleteAsync(id);
    }

    [Fact]
    public async Task HangingHandler_IsCancelledAtItsTimeout_AndRecorded()
    {
        var id = NewId("hang");
        await _scheduler.CreateAsync(Job(id, ScheduleSpec.After(TimeSpan.FromMilliseconds(200)), handler: "hang") with { Timeout = TimeSpan.FromMilliseconds(300) });

        var outcome = await WaitForOutcomeAsync(id, o => o.IsFinal);
        Assert.Equal(ExecutionStatus.TimedOut, outcome.Status);
        Assert.InRange((outcome.FinishedAt - outcome.StartedAt).TotalMilliseconds, 290, 5_000);
        // A one-shot completes once its only occurrence has passed (the bookkeeping waits until after it is due).
        var info = await WaitForInfoAsync(id, i => i.Status == JobStatus.Completed);
        Assert.Equal(1, info.FailedCount);
        await _scheduler.DeleteAsync(id);
    }

    [Fact]
    public async Task FailingHandler_IsRetriedWithBackoff_ThenFinalFailureRecorded()
    {
        var id = NewId("fail");
        var retry = new RetryPolicy { MaxAttempts = 3, InitialBackoff = TimeSpan.FromMilliseconds(200), Multiplier = 2 };
        await _scheduler.CreateAsync(Job(id, ScheduleSpec.After(TimeSpan.FromMilliseconds(100)), handler: "fail") with { Retry = retry });

        var final = await WaitForOutcomeAsync(id, o => o.IsFinal);
        Assert.Equal(ExecutionStatus.Failed, final.Status);
        Assert.Equal(3, final.Attempt);
        Assert.Contains("boom on attempt 3", final.Error);

        var attempts = Recorder.For(id);
        Assert.Equal([1, 2, 3], attempts.Select(a => a.Attempt));
        Assert.Single(attempts.Select(a => a.ExecutionId).Distinct());
        Assert.True(attempts[1].StartedAt - attempts[0].StartedAt >= TimeSpan.FromMilliseconds(200), "first retry came before its 200 ms backoff");
        Assert.True(attempts[2].StartedAt - attempts[1].StartedAt >= TimeSpan.FromMilliseconds(400), "second retry came before its 400 ms backoff");

        var history = await _scheduler.GetHistoryAsync(id);
        Assert.Equal([3, 2, 1], history.Select(h => h.Attempt));
        Assert.Equal(1, (await _scheduler.GetAsync(id))!.FailedCount);
        await _scheduler.DeleteAsync(id);
    }

    [Fact]
    public async Task Create_SameDefinitionTwice_IsANoOp_AndListed()
    {
        var id = NewId("idem");
        var job = Job(id, ScheduleSpec.Cron("0 0 12 * * *", "Europe/London"));
        Assert.Equal(CreateJobResult.Created, await _scheduler.CreateAsync(job));
        Assert.Equal(CreateJobResult.Unchanged, await _scheduler.CreateAsync(job));
        Assert.Equal(CreateJobResult.Updated, await _scheduler.CreateAsync(job with { Payload = "x" }, upsert: true));

        var info = await _scheduler.GetAsync(id);
        Assert.Equal("x", info!.Definition.Payload);
        Assert.NotNull(info.NextDueAt);
        var page = await _scheduler.ListAsync(new JobQuery { IdPrefix = id });
        Assert.Equal(id, Assert.Single(page.Items).Id);
        await _scheduler.DeleteAsync(id);
    }

    private async Task<JobInfo> WaitForInfoAsync(string id, Func<JobInfo, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var info = await _scheduler.GetAsync(id) ?? throw new InvalidOperationException($"job {id} is gone");
            if (condition(info)) return info;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"job {id} did not reach the expected state; it is {info.Status}");
            await Task.Delay(50);
        }
    }

    private async Task<ExecutionOutcome> WaitForOutcomeAsync(string id, Func<ExecutionOutcome, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var history = await _scheduler.GetHistoryAsync(id);
            var match = history.FirstOrDefault(condition);
            if (match is not null) return match;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no matching outcome for {id}; history: {string.Join(", ", history.Select(h => $"{h.ExecutionId}#{h.Attempt} {h.Status}"))}");
            await Task.Delay(50);
        }
    }
}
