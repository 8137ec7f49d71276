using Orleans.TestingHost;
using OrleansScheduler.Client;
using OrleansScheduler.Grains.Handlers;
using OrleansScheduler.Grains.Hosting;
using OrleansScheduler.Jobs;
using Xunit;

namespace OrleansScheduler.Tests.Cluster;

/// <summary>With every slot busy, due executions start by priority (highest first), then by instant.</summary>
public sealed class PriorityTests : IAsyncLifetime
{
    private readonly ExecutionRecorder _recorder = new();
    private readonly GateHandler _gate = new();
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) => silo
            .AddJobScheduler(o => o.MaxConcurrency = 1)
            .UseInMemoryJobStore()
            .AddJobHandler("record", new RecordingHandler(_recorder))
            .AddJobHandler("gate", _gate));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        _gate.Release.TrySetResult();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task Saturated_StartsHigherPriorityFirst()
    {
        var scheduler = new JobScheduler(_cluster.Client);
        var now = DateTimeOffset.UtcNow;
        await scheduler.CreateAsync(new JobDefinition { Id = "blocker", Schedule = ScheduleSpec.At(now.AddMilliseconds(300)), Handler = "gate" });
        await _gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(20));

        // The only slot is held: these three fall due together and must wait.
        var due = DateTimeOffset.UtcNow.AddSeconds(1);
        foreach (var (id, priority) in new[] { ("low", -5), ("high", 10), ("mid", 0) })
            await scheduler.CreateAsync(new JobDefinition { Id = id, Schedule = ScheduleSpec.At(due), Handler = "record", Priority = priority });
        while (DateTimeOffset.UtcNow < due + TimeSpan.FromMilliseconds(300)) await Task.Delay(50);
        Assert.Empty(_recorder.For("low").Concat(_recorder.For("mid")).Concat(_recorder.For("high")));

        _gate.Release.TrySetResult();
        var started = new List<RecordedExecution>();
        foreach (var id in new[] { "low", "mid", "high" }) started.AddRange(await _recorder.WaitForCountAsync(id, 1));
        Assert.Equal(["high", "mid", "low"], started.OrderBy(r => r.StartedAt).Select(r => r.JobId));
    }

    private sealed class GateHandler : IJobHandler
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task ExecuteAsync(JobContext context, CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            await Release.Task.WaitAsync(cancellationToken);
        }
    }
}
