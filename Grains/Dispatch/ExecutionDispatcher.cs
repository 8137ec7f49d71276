using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Streams;
using OrleansScheduler.Execution;

namespace OrleansScheduler.Grains.Dispatch;

/// <summary>
/// Hands executions to the worker of their partition. Normally they travel as one stream event per batch, a lead
/// ahead of their instant; executions already due (trigger-now, catch-up) go by a direct grain call, since the
/// stream hop would make them late by a poll period or more.
/// </summary>
public sealed class ExecutionDispatcher(IServiceProvider services, IGrainFactory grains)
{
    private readonly Lazy<IStreamProvider> _streams = new(() => services.GetRequiredKeyedService<IStreamProvider>(StreamNames.Provider));

    /// <summary>Sends <paramref name="batch"/> to <paramref name="partition"/>; <paramref name="urgent"/> skips the stream.</summary>
    public Task DispatchAsync(int partition, ExecutionBatch batch, bool urgent)
    {
        if (urgent)
            return grains.GetGrain<IWorkerGrain>(partition).DeliverAsync(batch);

        var stream = _streams.Value.GetStream<ExecutionBatch>(StreamId.Create(StreamNames.Executions, partition));
        return stream.OnNextAsync(batch);
    }

    /// <summary>Tells the worker of <paramref name="partition"/> to drop executions of <paramref name="jobId"/> older than <paramref name="minVersion"/>.</summary>
    public Task RevokeAsync(int partition, string jobId, long minVersion) =>
        grains.GetGrain<IWorkerGrain>(partition).RevokeAsync(jobId, minVersion);
}
