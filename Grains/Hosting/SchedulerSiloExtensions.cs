using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansScheduler.Grains.Dispatch;
using OrleansScheduler.Grains.Failover;
using OrleansScheduler.Grains.Handlers;
using OrleansScheduler.Grains.Timing;
using OrleansScheduler.Grains.Workers;

namespace OrleansScheduler.Grains.Hosting;

/// <summary>Registers the scheduler in a silo.</summary>
public static class SchedulerSiloExtensions
{
    /// <summary>
    /// Adds the scheduler: job and worker grains, the silo's timing wheel and executor, and the built-in
    /// <c>log</c> and <c>noop</c> handlers. Options bind from the <c>Scheduler</c> and <c>Scheduler:Wheel</c> configuration
    /// sections, then <paramref name="configure"/> applies. Safe to call twice. Pick a store with
    /// <see cref="UseInMemoryJobStore"/> (or another backend).
    /// </summary>
    public static ISiloBuilder AddJobScheduler(this ISiloBuilder builder, Action<SchedulerOptions>? configure = null)
    {
        var services = builder.Services;
        if (configure is not null) services.Configure(configure);
        if (services.Any(s => s.ServiceType == typeof(SchedulerMarker))) return builder;
        services.AddSingleton<SchedulerMarker>();

        services.AddOptions<SchedulerOptions>().BindConfiguration(SchedulerOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SchedulerOptions>, SchedulerOptionsValidator>();
        services.AddOptions<WheelOptions>().BindConfiguration(SchedulerOptions.SectionName + ":Wheel").ValidateOnStart();
        services.AddSingleton<IValidateOptions<WheelOptions>, WheelOptionsValidator>();

        // Job state is stored with Orleans' own binary, version-tolerant serializer: about half the size and a fraction
        // of the CPU of the default JSON one, which matters for the frequent watermark writes.
        services.AddKeyedSingleton<IGrainStorageSerializer>(StorageNames.Jobs, (sp, _) => new OrleansGrainStorageSerializer(sp.GetRequiredService<Serializer>()));

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<TimingWheelDriver>();
        services.AddSingleton<ITimingWheel>(sp => sp.GetRequiredService<TimingWheelDriver>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, WheelLifecycle>();
        services.AddSingleton<Partitioner>();
        services.AddSingleton<ExecutionDispatcher>();
        services.AddSingleton<JobGrainReferences>();
        services.AddSingleton<ExecutionEventPublisher>();
        services.AddSingleton<ExecutionRunner>();
        services.AddSingleton<OutcomeReporter>();
        services.AddSingleton<HandlerCatalog>();

        builder.AddJobFailover();
        builder.AddJobHandler<NoopJobHandler>(NoopJobHandler.Name);
        builder.AddJobHandler<LogJobHandler>(LogJobHandler.Name);
        return builder;
    }

    /// <summary>
    /// Registers <typeparamref name="THandler"/> under <paramref name="name"/>; jobs name it in <c>Handler</c>.
    /// One singleton instance serves every execution.
    /// </summary>
    public static ISiloBuilder AddJobHandler<THandler>(this ISiloBuilder builder, string name) where THandler : class, IJobHandler
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        builder.Services.AddKeyedSingleton<IJobHandler, THandler>(name);
        builder.Services.AddSingleton(new HandlerRegistration(name));
        return builder;
    }

    /// <summary>Registers a handler instance under <paramref name="name"/>.</summary>
    public static ISiloBuilder AddJobHandler(this ISiloBuilder builder, string name, IJobHandler handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        builder.Services.AddKeyedSingleton(name, handler);
        builder.Services.AddSingleton(new HandlerRegistration(name));
        return builder;
    }

    /// <summary>
    /// The embedded store: job state, reminders and streams in this process's memory. Job state is shared by the silos
    /// of one cluster in the process (a local silo, or a TestingHost cluster) and kept until the last of them stops;
    /// silos in other processes do not see it. So it suits a single local silo and tests; production uses Redis
    /// (<see cref="RedisJobStoreExtensions.UseRedisJobStore"/>).
    /// </summary>
    public static ISiloBuilder UseInMemoryJobStore(this ISiloBuilder builder)
    {
        // Job state in this process's memory (LocalGrainStorage): one serialized copy per state, no storage-grain call.
        builder.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Jobs, static (sp, key) =>
        {
            var cluster = sp.GetRequiredService<IOptions<ClusterOptions>>().Value;
            return new LocalGrainStorage((string)key!, cluster.ServiceId, cluster.ClusterId, sp.GetRequiredKeyedService<IGrainStorageSerializer>(key));
        });
        builder.AddMemoryGrainStorage(StorageNames.PubSub);
        builder.UseInMemoryReminderService();
        return builder.AddSchedulerMemoryStreams();
    }

    /// <summary>
    /// The execution and event streams every store uses: memory streams whose queues and polling follow
    /// <see cref="SchedulerOptions.StreamQueues"/> and <see cref="SchedulerOptions.StreamPollPeriod"/>.
    /// </summary>
    internal static ISiloBuilder AddSchedulerMemoryStreams(this ISiloBuilder builder)
    {
        builder.AddMemoryStreams(StreamNames.Provider, stream =>
        {
            stream.ConfigurePullingAgent(agent => agent.Configure<IOptions<SchedulerOptions>>(
                (o, scheduler) => o.GetQueueMsgsTimerPeriod = scheduler.Value.StreamPollPeriod));
        });
        builder.Services.AddOptions<HashRingStreamQueueMapperOptions>(StreamNames.Provider)
            .Configure<IOptions<SchedulerOptions>>((o, scheduler) => o.TotalQueueCount = scheduler.Value.StreamQueues);
        return builder;
    }

    private sealed class SchedulerMarker;
}
