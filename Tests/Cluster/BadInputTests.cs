using OrleansScheduler.Client;
using OrleansScheduler.Errors;
using OrleansScheduler.Jobs;
using Xunit;

namespace OrleansScheduler.Tests.Cluster;

/// <summary>Bad requests get an error naming the field, and a job already scheduled keeps firing through them.</summary>
[Collection(ClusterCollection.Name)]
public sealed class BadInputTests(ClusterFixture fixture)
{
    private readonly JobScheduler _scheduler = new(fixture.Client);
    // Requests straight to the grain skip the client's own checks: the silo must reject them just as clearly.
    private Grains.IJobGrain Grain(string id) => fixture.Client.GetGrain<Grains.IJobGrain>(id);

    private static JobDefinition Job(string id, ScheduleSpec? schedule = null, string handler = "record") =>
        new() { Id = id, Schedule = schedule ?? ScheduleSpec.Every(TimeSpan.FromSeconds(1)), Handler = handler };

    public static TheoryData<string, JobDefinition> BadDefinitions() => new()
    {
        { "Schedule.CronExpression", Job("bad-cron", ScheduleSpec.Cron("*/5 * * * * * *")) },
        { "Schedule.CronExpression", Job("bad-cron-field", ScheduleSpec.Cron("0 61 * * * *")) },
        { "Schedule.TimeZone", Job("bad-zone", ScheduleSpec.Cron("0 0 * * * *", "Mars/Olympus_Mons")) },
        { "Schedule.Interval", Job("bad-interval", ScheduleSpec.Every(TimeSpan.FromMilliseconds(5))) },
        { "Handler", Job("bad-handler", handler: "no-such-handler") },
        { "Payload", Job("bad-payload") with { Payload = new string('x', 70_000) } },
        { "Id", Job(new string('a', 201)) },
        { "Id", Job("has space") },
    };

    [Theory]
    [MemberData(nameof(BadDefinitions))]
    public async Task Grain_RejectsBadDefinition_NamingTheField(string field, JobDefinition definition)
    {
        var error = await Assert.ThrowsAsync<JobValidationException>(() => Grain(definition.Id).CreateAsync(definition, upsert: false));
        Assert.Equal(field, error.Field);
        Assert.StartsWith(field, error.Message);
        Assert.Null(await Grain(definition.Id).GetAsync());
    }

    [Theory]
    [MemberData(nameof(BadDefinitions))]
    public async Task Client_RejectsBadDefinition_NamingTheField(string field, JobDefinition definition)
    {
        var error = await Assert.ThrowsAsync<JobValidationException>(() => _scheduler.CreateAsync(definition));
        Assert.Equal(field, error.Field);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Client_RejectsEmptyId(string id)
    {
        var error = await Assert.ThrowsAsync<JobValidationException>(() => _scheduler.GetAsync(id));
        Assert.Equal("Id", error.Field);
    }

    [Fact]
    public async Task BadRequests_LeaveScheduledJobsFiring()
    {
        var id = $"survivor-{Guid.NewGuid():N}";
        var original = Job(id, ScheduleSpec.Every(TimeSpan.FromMilliseconds(200)));
        await _scheduler.CreateAsync(original);
        await fixture.Recorder.WaitForCountAsync(id, 2);

        // Hostile updates of the very same job: each rejected, none changes it.
        await Assert.ThrowsAsync<JobValidationException>(() => _scheduler.UpdateAsync(original with { Schedule = ScheduleSpec.Cron("not a cron") }));
        await Assert.ThrowsAsync<JobValidationException>(() => _scheduler.UpdateAsync(original with { Handler = "missing" }));
        await Assert.ThrowsAsync<JobValidationException>(() => Grain(id).UpdateAsync(original with { Schedule = ScheduleSpec.Every(TimeSpan.FromMilliseconds(1)) }));
        var conflict = await Assert.ThrowsAsync<JobConflictException>(() => _scheduler.CreateAsync(original with { Payload = "different" }));
        Assert.Equal(id, conflict.JobId);
        await Assert.ThrowsAsync<JobNotFoundException>(() => _scheduler.PauseAsync($"{id}-missing"));

        var info = await _scheduler.GetAsync(id);
        Assert.Equal(original, info!.Definition);
        Assert.Equal(1, info.Version);
        var after = DateTimeOffset.UtcNow;
        await fixture.Recorder.WaitForAsync(id, r => r.Count(x => x.ScheduledAt > after) >= 3);
        await _scheduler.DeleteAsync(id);
    }
}
