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
/// Fencing on a real three-silo in-process cluster. Silos leaving (kill -9, SIGTERM) are tested on Redis with silos in
/// separate processes: the in-memory store lives in the silos, so stopping one loses part of it.
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
            .AddJobScheduler(o =>
            {
                o.DispatchLead = ClusterFixture.Lead;
                // The takeover resumes past the reservation, which covers the lease: a short one keeps the test short.
                o.LeaseLength = TimeSpan.FromSeconds(4);
                o.LeaseReportInterval = TimeSpan.FromSeconds(1);
            })
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
