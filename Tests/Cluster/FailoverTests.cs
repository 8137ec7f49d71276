using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using OrleansScheduler.Client;
using OrleansScheduler.Grains;
using OrleansScheduler.Grains.Failover;
using OrleansScheduler.Grains.Hosting;
using OrleansScheduler.Grains.Jobs;
using OrleansScheduler.Jobs;
using Xunit;
using Xunit.Abstractions;

namespace OrleansScheduler.Tests.Cluster;

/// <summary>
/// Hand-over and fencing on a real three-silo in-process cluster (its own, since a test stops a silo). Crashes
/// (kill -9 of a silo process) are tested on Redis with silos in separate processes.
/// </summary>
public sealed class FailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    private readonly ExecutionRecorder _recorder = new();
    private InProcessTestCluster _cluster = null!;
    private JobScheduler _scheduler = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(3);
        builder.Options.ConfigureFileLogging = false;
        var recorder = _recorder;
        builder.ConfigureSilo((_, silo) => silo
            .AddJobScheduler(o => o.DispatchLead = ClusterFixture.Lead)
            .UseInMemoryJobStore()
            .AddJobHandler("record", new RecordingHandler(recorder)));
        builder.ConfigureClient(client => client.AddMemoryStreams(StreamNames.Provider));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        _scheduler = new JobScheduler(_cluster.Client, TimeProvider.System);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private static JobDefinition Job(string id) => new() { Id = id, Schedule = ScheduleSpec.Every(Interval), Handler = "record" };

    [Fact]
    public async Task GracefulStop_HandsJobsOver_NoOccurrenceMissedOrRunTwice()
    {
        var ids = Enumerable.Range(0, 24).Select(i => $"handover-{i:00}-{Guid.NewGuid():N}").ToArray();
        foreach (var id in ids) await _scheduler.CreateAsync(Job(id));
        foreach (var id in ids) await _recorder.WaitForCountAsync(id, 5);

        // Stop the silo holding the most job activations (the client fails over to another gateway).
        var victim = _cluster.Silos.OrderByDescending(s => s.ServiceProvider.GetRequiredService<LocalJobs>().Count).First();
        var moved = victim.ServiceProvider.GetRequiredService<LocalJobs>().Snapshot().Select(j => j.Key).ToHashSet();
        Assert.NotEmpty(moved);
        var stoppedAt = DateTimeOffset.UtcNow;
        await _cluster.StopSiloAsync(victim);
        var stopTook = DateTimeOffset.UtcNow - stoppedAt;

        // Every job keeps firing on the survivors for a few more seconds.
        var after = DateTimeOffset.UtcNow;
        foreach (var id in ids) await _recorder.WaitForAsync(id, r => r.Any(x => x.ScheduledAt > after + TimeSpan.FromSeconds(3)), TimeSpan.FromSeconds(30));

        var worstGap = TimeSpan.Zero;
        foreach (var id in ids)
        {
            var records = _recorder.For(id);
            Assert.Equal(records.Count, records.Select(r => r.ExecutionId).Distinct().Count());
            var instants = records.Select(r => r.ScheduledAt).Order().ToList();
            // No occurrence missing from the first one to the last.
            for (var i = 1; i < instants.Count; i++) Assert.Equal(Interval, instants[i] - instants[i - 1]);
            foreach (var r in records.Where(r => r.StartedAt - r.ScheduledAt > TimeSpan.FromSeconds(1)))
                output.WriteLine($"late: {r.ExecutionId} started {r.StartedAt:HH:mm:ss.fff} ({(r.StartedAt - r.ScheduledAt).TotalMilliseconds:0} ms late){(moved.Contains(id) ? ", job was on the stopped silo" : "")}");
            var starts = records.Where(r => r.ScheduledAt >= stoppedAt - TimeSpan.FromSeconds(1)).Select(r => r.StartedAt - r.ScheduledAt);
            worstGap = starts.Append(worstGap).Max();
        }
        output.WriteLine($"stopped at {stoppedAt:HH:mm:ss.fff} a silo holding {moved.Count} of {ids.Length} jobs in {stopTook.TotalMilliseconds:0} ms; worst lateness around the stop {worstGap.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task AnotherWriter_FencesTheActivation_AndTheJobResumesWithoutGapOrRepeat()
    {
        var id = $"fence-{Guid.NewGuid():N}";
        await _scheduler.CreateAsync(Job(id));
        await _recorder.WaitForCountAsync(id, 5);

        // Another activation takes the job over: it writes the job's state, which changes its ETag, exactly as a second
        // activation (a silo not yet declared dead, a directory move) does before it dispatches anything.
        var silo = _cluster.Silos[0].ServiceProvider;
        var storage = silo.GetRequiredKeyedService<IGrainStorage>(StorageNames.Jobs);
        var grainId = _cluster.Client.GetGrain<IJobGrain>(id).GetGrainId();
        var state = new GrainState<JobState>();
        await storage.ReadStateAsync("job", grainId, state);
        await storage.WriteStateAsync("job", grainId, state);
        var takenOver = state.ETag;
        var reserved = state.State!.ReservedThrough;
        Assert.True(reserved > DateTimeOffset.UtcNow, "the job holds a reservation ahead of now");

        // The first activation's next write fails on the ETag and it stops; outcomes and wakes bring up an activation
        // that resumes from the stored state, redelivers the window (workers drop what they already ran) and goes on.
        var records = await _recorder.WaitForAsync(id, r => r.Any(x => x.ScheduledAt > reserved + TimeSpan.FromSeconds(3)));
        await _scheduler.DeleteAsync(id);

        Assert.Equal(records.Count, records.Select(r => r.ExecutionId).Distinct().Count());
        var instants = records.Select(r => r.ScheduledAt).Order().ToList();
        for (var i = 1; i < instants.Count; i++) Assert.Equal(Interval, instants[i] - instants[i - 1]);
        await storage.ReadStateAsync("job", grainId, state);
        Assert.NotEqual(takenOver, state.ETag); // the job was deleted by an activation that wrote after the takeover
        var worst = records.Max(r => r.StartedAt - r.ScheduledAt);
        output.WriteLine($"reservation ended {reserved:HH:mm:ss.fff}; {records.Count} firings, none twice, none missing; worst lateness {worst.TotalMilliseconds:0} ms");
    }
}
