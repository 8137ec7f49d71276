using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Clustering.Redis;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Messaging;
using Orleans.Runtime;
using OrleansScheduler.Grains;

namespace OrleansScheduler.Client;

/// <summary>Registers the scheduler client in a host.</summary>
public static class JobSchedulerClientExtensions
{
    /// <summary>
    /// Adds an Orleans client connected to the scheduler cluster and registers <see cref="IJobScheduler"/> as a
    /// singleton. Options come from the section <see cref="JobSchedulerClientOptions.SectionName"/> (and the connection
    /// string <c>ConnectionStrings:Redis</c>), then <paramref name="configure"/>. With a Redis connection string the
    /// client finds the cluster's gateways in Redis, like the silos find each other; without, it connects to the
    /// gateway of a silo on this machine. Safe to call twice: the client is added once, and every
    /// <paramref name="configure"/> applies in call order. The host's start connects the client, retrying for
    /// <see cref="JobSchedulerClientOptions.ConnectTimeout"/>, and throws when the cluster cannot be reached.
    /// </summary>
    /// <param name="builder">The host being built; it must not also host a silo.</param>
    /// <param name="configure">Adjusts the options after configuration is bound. Optional.</param>
    /// <returns>The same builder.</returns>
    public static IHostApplicationBuilder AddJobSchedulerClient(this IHostApplicationBuilder builder, Action<JobSchedulerClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var first = !services.Any(static d => d.ServiceType == typeof(JobSchedulerClientMarker));
        if (first)
        {
            services.AddSingleton<JobSchedulerClientMarker>();
            services.AddOptions<JobSchedulerClientOptions>().BindConfiguration(JobSchedulerClientOptions.SectionName)
                .Configure<IConfiguration>(static (o, configuration) =>
                {
                    if (string.IsNullOrWhiteSpace(o.RedisConnectionString)) o.RedisConnectionString = configuration.GetConnectionString("Redis");
                })
                .ValidateOnStart();
            services.AddSingleton<IValidateOptions<JobSchedulerClientOptions>, JobSchedulerClientOptionsValidator>();
        }

        if (configure is not null) services.Configure(configure);
        if (!first) return builder;

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IJobScheduler>(static sp => new JobScheduler(sp.GetRequiredService<IClusterClient>(), sp.GetRequiredService<TimeProvider>()));
        builder.UseOrleansClient(client =>
        {
            UseClustering(client);
            client.AddMemoryStreams(StreamNames.Provider);
            client.UseConnectionRetryFilter<ConnectTimeoutRetryFilter>();
        });
        return builder;
    }

    // The one place that decides how clients find silos: Redis clustering when a connection string is set, else the
    // static gateway on localhost. Values are read from the options when the client is built, so a later
    // AddJobSchedulerClient(configure) still counts; that is why both are registered and the choice is made in a factory.
    private static void UseClustering(IClientBuilder client)
    {
        client.Services.AddOptions<ClusterOptions>()
            .Configure<IOptions<JobSchedulerClientOptions>>(static (cluster, scheduler) =>
            {
                cluster.ClusterId = scheduler.Value.ClusterId;
                cluster.ServiceId = scheduler.Value.ServiceId;
            });
        client.UseStaticClustering(static gateways => gateways
            .Configure<IOptions<JobSchedulerClientOptions>>(static (list, scheduler) =>
                list.Gateways = [new IPEndPoint(IPAddress.Loopback, scheduler.Value.GatewayPort).ToGatewayUri()]));
        client.UseRedisClustering(static _ => { });
        client.Services.AddOptions<RedisClusteringOptions>()
            .Configure<IOptions<JobSchedulerClientOptions>>(static (redis, scheduler) =>
            {
                if (UsesRedis(scheduler.Value)) redis.ConfigurationOptions = RedisGateways.Parse(scheduler.Value.RedisConnectionString!);
            });

        // Orleans' Redis gateway list provider is internal: keep the type it registered and build it only when used.
        // Its options validator would fail the static mode (no Redis configuration); JobSchedulerClientOptionsValidator
        // checks the connection string instead.
        var services = client.Services;
        var redisProvider = services.Last(static d => d.ServiceType == typeof(IGatewayListProvider)).ImplementationType
            ?? throw new InvalidOperationException("UseRedisClustering registered no gateway list provider type.");
        services.RemoveAll<IGatewayListProvider>();
        foreach (var validator in services.Where(static d => d.ServiceType == typeof(IConfigurationValidator) && d.ImplementationType == typeof(RedisClusteringOptionsValidator)).ToList())
            services.Remove(validator);
        services.AddSingleton<IGatewayListProvider>(sp => UsesRedis(sp.GetRequiredService<IOptions<JobSchedulerClientOptions>>().Value)
            ? (IGatewayListProvider)ActivatorUtilities.CreateInstance(sp, redisProvider)
            : ActivatorUtilities.CreateInstance<StaticGatewayListProvider>(sp));
    }

    private static bool UsesRedis(JobSchedulerClientOptions options) => !string.IsNullOrWhiteSpace(options.RedisConnectionString);

    /// <summary>Marks a service collection where the scheduler client is already registered.</summary>
    private sealed class JobSchedulerClientMarker;
}
