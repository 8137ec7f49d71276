using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansScheduler.Grains.Hosting;
using Orleans.Runtime;
using Orleans.Streams;
using OrleansScheduler.Execution;

namespace OrleansScheduler.Grains.Dispatch;

/// <summary>
/// Hands executions to the worker of their partition. Normally they travel on the partition's stream a lead ahead
/// of their instant, coalesced across all jobs of this silo into one stream event per publish (see
/// <see cref="CoalescingPublisher{T}"/>). Executions already due (trigger-now, catch-up) go by a direct grain call,
/// since the stream hop would make them late by a poll period or more.
/// </summary>
public sealed partial class ExecutionDispatcher
{
    private const int MaxBatch = 2_000;
    private const int MaxQueuedPerPartition = 1_000_000;
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _time;
    // Until this timestamp executions skip the stream and go to their worker by direct calls (see PreferDirect).
    private long _directUntil;
    private readonly CoalescingPublisher<Execution.Execution>[] _partitions;

    /// <summary>Creates the dispatcher; one per silo.</summary>
    public ExecutionDispatcher(IServiceProvider services, IGrainFactory grains, Partitioner partitioner, IOptions<SchedulerOptions> options, TimeProvider time, ILogger<ExecutionDispatcher> logger)
    {
        _time = time;
        var linger = options.Value.DispatchLinger;
        _grains = grains;
        var streams = new Lazy<IStreamProvider>(() => services.GetRequiredKeyedService<IStreamProvider>(StreamNames.Provider));
        _partitions = new CoalescingPublisher<Execution.Execution>[partitioner.Count];
        for (var p = 0; p < _partitions.Length; p++)
        {
            var partition = p;
            IAsyncStream<ExecutionBatch>? stream = null;
            _partitions[p] = new CoalescingPublisher<Execution.Execution>($"execution stream {partition}", async batch =>
            {
                stream ??= streams.Value.GetStream<ExecutionBatch>(StreamId.Create(StreamNames.Executions, partition));
                var items = new ExecutionBatch(batch);
                if (time.GetTimestamp() < Volatile.Read(ref _directUntil))
                {
                    await DeliverNowAsync(partition, items);
                    return;
                }
                try
                {
                    await stream.OnNextAsync(items);
                }
                catch (Exception ex) when (ex is not ObjectDisposedException)
                {
                    // The stream's queue is unreachable (its silo just died, or is moving): hand the batch to the worker
                    // directly instead of holding it back until the queue is back. If that fails too, the publisher retries.
                    LogStreamFallback(logger, ex, partition, batch.Length);
                    await DeliverNowAsync(partition, items);
                }
            }, MaxBatch, MaxQueuedPerPartition, linger, logger);
        }
    }

    /// <summary>
    /// For <paramref name="period"/>, hands executions to workers by direct grain calls instead of the stream. After a
    /// silo joins or leaves, the stream's queues move between silos and stall for a few seconds; direct calls do not.
    /// </summary>
    public void PreferDirect(TimeSpan period) =>
        Volatile.Write(ref _directUntil, _time.GetTimestamp() + (long)(period.TotalSeconds * _time.TimestampFrequency));

    /// <summary>Queues executions for the stream of <paramref name="partition"/>; returns at once.</summary>
    public void Enqueue(int partition, IEnumerable<Execution.Execution> executions) => _partitions[partition].EnqueueRange(executions);

    /// <summary>Sends executions straight to the worker of <paramref name="partition"/> (already due: no stream hop).</summary>
    public Task DeliverNowAsync(int partition, ExecutionBatch batch) => _grains.GetGrain<IWorkerGrain>(partition).DeliverAsync(batch);

    /// <summary>Grants or extends a job's lease at the worker of <paramref name="partition"/>.</summary>
    public Task<LeaseReport?> LeaseAsync(int partition, JobLease lease) => _grains.GetGrain<IWorkerGrain>(partition).LeaseAsync(lease);

    /// <summary>Takes what the lease of <paramref name="jobId"/> has not reported yet from the worker of <paramref name="partition"/>.</summary>
    public Task<LeaseReport?> CollectAsync(int partition, string jobId) => _grains.GetGrain<IWorkerGrain>(partition).CollectAsync(jobId);

    /// <summary>Tells the worker of <paramref name="partition"/> to drop executions of <paramref name="jobId"/> older than <paramref name="minVersion"/>.</summary>
    public Task RevokeAsync(int partition, string jobId, long minVersion) =>
        _grains.GetGrain<IWorkerGrain>(partition).RevokeAsync(jobId, minVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Execution stream {Partition} is unreachable; {Count} executions go to the worker directly")]
    private static partial void LogStreamFallback(ILogger logger, Exception exception, int partition, int count);
}
