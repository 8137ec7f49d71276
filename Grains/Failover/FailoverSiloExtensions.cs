using Microsoft.Extensions.DependencyInjection;

namespace OrleansScheduler.Grains.Failover;

/// <summary>Registers what resumes jobs when a silo dies or stops: the local job list and the membership watcher.</summary>
internal static class FailoverSiloExtensions
{
    /// <summary>Adds the failover services to a silo; called by <c>AddJobScheduler</c>.</summary>
    public static ISiloBuilder AddJobFailover(this ISiloBuilder builder)
    {
        builder.Services.AddSingleton<LocalJobs>();
        builder.Services.AddSingleton<FailoverWatcher>();
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<FailoverWatcher>());
        return builder;
    }
}
