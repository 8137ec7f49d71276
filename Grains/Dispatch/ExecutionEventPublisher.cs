using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Orleans.Streams;
using OrleansScheduler.Execution;
using OrleansScheduler.Grains.Hosting;

namespace OrleansScheduler.Grains.Dispatch;

/// <summary>Publishes outcomes on the execution-event stream that clients watch, batched per silo.</summary>
public sealed class ExecutionEventPublisher
{
    private readonly CoalescingPublisher<ExecutionOutcome>? _publisher;

    /// <summary>Creates the publisher; one per silo. Off when <see cref="SchedulerOptions.PublishExecutionEvents"/> is false.</summary>
    public ExecutionEventPublisher(IServiceProvider services, IOptions<SchedulerOptions> options, ILogger<ExecutionEventPublisher> logger)
    {
        if (!options.Value.PublishExecutionEvents) return;
        IAsyncStream<ExecutionEventBatch>? stream = null;
        _publisher = new CoalescingPublisher<ExecutionOutcome>("execution events", batch =>
        {
            stream ??= services.GetRequiredKeyedService<IStreamProvider>(StreamNames.Provider)
                .GetStream<ExecutionEventBatch>(StreamId.Create(StreamNames.Events, StreamNames.EventsKey));
            return stream.OnNextAsync(new ExecutionEventBatch(batch));
        }, maxBatch: 2_000, maxQueued: 100_000, options.Value.EventsLinger, logger);
    }

    /// <summary>Queues <paramref name="outcome"/> for the event stream; returns at once.</summary>
    public void Publish(ExecutionOutcome outcome) => _publisher?.Enqueue(outcome);
}
