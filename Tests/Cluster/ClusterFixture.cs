using Orleans.TestingHost;
using OrleansScheduler.Grains;
using OrleansScheduler.Grains.Hosting;
using Xunit;

namespace OrleansScheduler.Tests.Cluster;

/// <summary>A real two-silo in-process cluster with the scheduler, in-memory store and the test handlers.</summary>
public class ClusterFixture : IAsyncLifetime
{
    /// <summary>Lead used by the test cluster: long enough that a test can act inside it reliably.</summary>
    public static readonly TimeSpan Lead = TimeSpan.FromMilliseconds(500);

    public ExecutionRecorder Recorder { get; } = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    /// <summary>Scheduler options of every silo; a derived fixture may change more of them.</summary>
    protected virtual void Configure(SchedulerOptions options) => options.DispatchLead = Lead;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ConfigureFileLogging = false;
        var recorder = Recorder;
        builder.ConfigureSilo((_, silo) => silo
            .AddJobScheduler(Configure)
            .UseInMemoryJobStore()
            .AddJobHandler("record", new RecordingHandler(recorder))
            .AddJobHandler("fail", new FailingHandler(recorder))
            .AddJobHandler("hang", new HangingHandler(recorder)));
        builder.ConfigureClient(client => client.AddMemoryStreams(StreamNames.Provider));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
