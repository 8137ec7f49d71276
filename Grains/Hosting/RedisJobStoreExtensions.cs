using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Clustering.Redis;
using Orleans.Configuration;
using Orleans.Persistence;
using OrleansScheduler.Grains.Hosting.Redis;

namespace OrleansScheduler.Grains.Hosting;

/// <summary>Runs the scheduler as a cluster of silos that share one Redis server.</summary>
public static class RedisJobStoreExtensions
{
    /// <summary>
    /// The production store: cluster membership, reminders and grain state (job state, the job index and stream
    /// subscriptions) in Redis, over one shared connection; execution streams stay in memory, as in
    /// <see cref="SchedulerSiloExtensions.UseInMemoryJobStore"/>. Jobs survive a restart of every silo, and silos that
    /// share the Redis server and the cluster id form one cluster. Keys are prefixed with the service id
    /// (<c>{ServiceId}/state/…</c>, <c>{ServiceId}/reminders</c>, <c>{ServiceId}/members/{ClusterId}</c>), so clusters with
    /// different service ids share a Redis server without touching each other's data.
    /// <para>
    /// Also tunes failure detection for a multi-silo cluster (a dead silo is declared dead in about a second; see
    /// <see cref="FailoverDetectionOptions"/>, bound from <c>Scheduler:Failover</c>).
    /// </para>
    /// <para>
    /// Redis may be away for a while: a starting silo waits for it, and a running one keeps running and reconnects within
    /// a second of Redis coming back (the connection never aborts), logging one line when Redis becomes unreachable and
    /// one when it is reachable again.
    /// Job state is not lost, since it is only ever written to Redis; Redis itself must persist (AOF) to survive its
    /// own restart.
    /// </para>
    /// </summary>
    /// <param name="builder">The silo being built; call <see cref="SchedulerSiloExtensions.AddJobScheduler"/> on it too.</param>
    /// <param name="connectionString">
    /// A StackExchange.Redis connection string, e.g. <c>10.0.0.5:6379,password=secret</c>. The silo reads it from
    /// the configuration key <c>ConnectionStrings:Redis</c>.
    /// </param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is empty or not a Redis connection string.</exception>
    public static ISiloBuilder UseRedisJobStore(this ISiloBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var redis = RedisConnection.ParseOptions(connectionString, nameof(connectionString));
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new RedisConnection(
            redis,
            sp.GetRequiredService<ILogger<RedisConnection>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None));

        builder.UseRedisClustering(o => o.ConfigurationOptions = redis);
        services.AddOptions<RedisClusteringOptions>().Configure<RedisConnection>((o, connection) => o.CreateMultiplexer = _ => connection.GetAsync());
        builder.UseRedisReminderService(o => o.ConfigurationOptions = redis);
        services.AddOptions<RedisReminderTableOptions>().Configure<RedisConnection>((o, connection) => o.CreateMultiplexer = _ => connection.GetAsync());

        // The job store keeps the binary serializer AddJobScheduler registers under its name: Orleans' post-configure
        // step fills RedisStorageOptions.GrainStorageSerializer from the serializer keyed by the provider's name.
        foreach (var name in new[] { StorageNames.Jobs, StorageNames.PubSub })
        {
            builder.AddRedisGrainStorage(name, options => options.Configure<RedisConnection>((o, connection) =>
            {
                o.ConfigurationOptions = redis;
                o.CreateMultiplexer = _ => connection.GetAsync();
            }));
        }

        builder.AddSchedulerMemoryStreams();
        builder.AddFailoverDetection();
        return builder;
    }

    /// <summary>
    /// Applies <see cref="FailoverDetectionOptions"/> (section <c>Scheduler:Failover</c>) to Orleans' membership and grain
    /// directory options, validated at start.
    /// </summary>
    internal static ISiloBuilder AddFailoverDetection(this ISiloBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<FailoverDetectionOptions>().BindConfiguration(FailoverDetectionOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FailoverDetectionOptions>, FailoverDetectionOptionsValidator>());
        services.AddOptions<ClusterMembershipOptions>().Configure<IOptions<FailoverDetectionOptions>>((membership, failover) =>
        {
            var o = failover.Value;
            if (!o.Enabled) return;
            membership.ProbeTimeout = o.ProbeTimeout;
            membership.MinProbeTimeout = o.MinProbeTimeout;
            membership.MaxProbeTimeout = o.MaxProbeTimeout;
            membership.NumMissedProbesLimit = o.NumMissedProbesLimit;
            membership.NumVotesForDeathDeclaration = o.NumVotesForDeathDeclaration;
            membership.TableRefreshTimeout = o.TableRefreshTimeout;
            membership.IAmAliveTablePublishTimeout = o.IAmAliveTablePublishTimeout;
        });
        services.AddOptions<GrainDirectoryOptions>().Configure<IOptions<FailoverDetectionOptions>>((directory, failover) =>
        {
            if (failover.Value.Enabled) directory.RangeLeaseDuration = failover.Value.DirectoryRangeLeaseDuration;
        });
        return builder;
    }
}
