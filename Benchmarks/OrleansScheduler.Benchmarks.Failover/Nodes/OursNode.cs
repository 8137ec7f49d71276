using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using OrleansScheduler.Benchmarks.Failover.Harness;
using OrleansScheduler.Grains;
using OrleansScheduler.Grains.Handlers;
using OrleansScheduler.Grains.Hosting;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Benchmarks.Failover.Nodes;

/// <summary>
/// One silo of the "ours" target: <c>AddJobScheduler().UseRedisJobStore(ConnectionStrings:Redis)</c> with the shipped
/// failover tuning (plus any <c>--set</c> settings), on fixed loopback ports per slot, and a <c>record</c> handler that
/// reports each start to the harness. It also reports every silo its membership view sees declared dead, which is how
/// the harness learns when a killed silo was declared dead (the earliest report of any survivor).
/// </summary>
public static class OursNode
{
    /// <summary>Name of the recording handler the benchmark jobs use.</summary>
    public const string Handler = "record";

    public static async Task<int> RunAsync(NodeOptions node, HarnessLink link, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(node.Run.Settings.Append(new("ConnectionStrings:Redis", node.Store)));
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.TimestampFormat = "HH:mm:ss.fff ").SetMinimumLevel(LogLevel.Warning);
        var redis = builder.Configuration.GetConnectionString("Redis")!;
        builder.UseOrleans(silo => silo
            .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("failover-bench", "failover-bench"))
            .ConfigureEndpoints(IPAddress.Loopback, node.SiloPort, node.GatewayPort, listenOnAnyHostAddress: false)
            .AddJobScheduler()
            .UseRedisJobStore(redis)
            .AddJobHandler(Handler, new RecordingHandler(link)));
        using var host = builder.Build();
        // Hello before start: a restarted silo may run redelivered executions before it reports ready.
        var self = host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        link.Send(string.Create(CultureInfo.InvariantCulture, $"HELLO {node.Node} {Environment.ProcessId} {self.Endpoint.Port} {self.Generation}"));
        await host.StartAsync(cancellationToken);
        using var stopping = new CancellationTokenSource();
        var watch = WatchMembershipAsync(host.Services.GetRequiredService<IClusterMembershipService>(), link, stopping.Token);
        link.Send("READY");

        await foreach (var command in link.Commands.ReadAllAsync(cancellationToken))
        {
            var parts = command.Split(' ');
            if (parts[0] == "CREATE")
            {
                var epoch = new DateTimeOffset(long.Parse(parts[1], CultureInfo.InvariantCulture), TimeSpan.Zero);
                var started = DateTimeOffset.UtcNow;
                var workload = Workload.From(node.Run);
                var grains = new JobGrainReferences(host.Services.GetRequiredService<IGrainFactory>());
                var misfire = node.Run.Misfire == "fire-all" ? MisfirePolicy.FireAll : MisfirePolicy.Skip;
                await Parallel.ForEachAsync(Enumerable.Range(0, workload.Count), new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken }, async (index, _) =>
                {
                    var definition = new JobDefinition
                    {
                        Id = Workload.Id(index),
                        Handler = Handler,
                        Schedule = ScheduleSpec.Every(workload.Period(index)) with { StartAt = workload.FirstAt(epoch, index) },
                        Misfire = misfire,
                    };
                    await grains.Job(definition.Id).CreateAsync(definition, upsert: false);
                });
                link.Send(string.Create(CultureInfo.InvariantCulture, $"CREATED {workload.Count} {(DateTimeOffset.UtcNow - started).TotalMilliseconds:0}"));
            }
            else if (parts[0] == "QUIT")
            {
                break;
            }
        }
        await stopping.CancelAsync();
        await watch;
        // A clean stop on QUIT (the end of a run): the harness only ever crashes a silo with kill -9.
        await host.StopAsync(CancellationToken.None);
        return 0;
    }

    private static async Task WatchMembershipAsync(IClusterMembershipService membership, HarnessLink link, CancellationToken cancellationToken)
    {
        var reported = new HashSet<SiloAddress>();
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellationToken))
            {
                var now = DateTimeOffset.UtcNow.UtcTicks;
                foreach (var member in snapshot.Members.Values)
                {
                    if (member.Status == SiloStatus.Dead && reported.Add(member.SiloAddress))
                        link.Send(string.Create(CultureInfo.InvariantCulture, $"DEAD {member.SiloAddress.Endpoint.Port} {member.SiloAddress.Generation} {now}"));
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    // Thread-safe and allocation-light: one instance serves every execution of the silo.
    private sealed class RecordingHandler(HarnessLink link) : IJobHandler
    {
        public Task ExecuteAsync(JobContext context, CancellationToken cancellationToken)
        {
            var started = DateTimeOffset.UtcNow;
            var job = Workload.IndexOf(context.JobId);
            link.Record(job, context.ScheduledAt, started);
            // Duplicates are counted on (job, instant); that is the ExecutionId only while the id is job id + instant.
            if (!context.ExecutionId.StartsWith(context.JobId + "@2", StringComparison.Ordinal))
                link.Note($"unexpected ExecutionId '{context.ExecutionId}' for {context.JobId} at {context.ScheduledAt:O}");
            return Task.CompletedTask;
        }
    }
}
