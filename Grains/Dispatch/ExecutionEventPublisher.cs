using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Orleans.Streams;
using OrleansScheduler.Execution;
using OrleansScheduler.Grains.Hosting;

namespace OrleansScheduler.Grains.Dispatch;

/// <summary>
/// Publishes outcomes on the execution-event stream that clients watch, batched per silo. An outcome is packed into the
/// batch being filled as it is published (no object per outcome); at most one publish is in flight, and it waits up to
/// <see cref="SchedulerOptions.EventsLinger"/> for company, so the stream carries a few large events at high rates.
/// A failed publish keeps its batch and retries after a short pause; Publish never blocks.
/// </summary>
public sealed partial class ExecutionEventPublisher
{
    private const int MaxBatch = 2_000;
    private const int MaxQueued = 100_000;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);
    private readonly bool _enabled;
    private readonly IServiceProvider _services;
    private readonly TimeSpan _linger;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    // Full batches wait here; the last one is being filled. A packer's buffer is reused once its batch has gone.
    private readonly Queue<OutcomePacker> _full = new();
    private readonly Stack<OutcomePacker> _spare = new();
    private OutcomePacker _filling = new();
    private int _queued;
    private bool _publishing;
    private long _dropped;
    private IAsyncStream<ExecutionEventBatch>? _stream;

    /// <summary>Creates the publisher; one per silo. Off when <see cref="SchedulerOptions.PublishExecutionEvents"/> is false.</summary>
    public ExecutionEventPublisher(IServiceProvider services, IOptions<SchedulerOptions> options, ILogger<ExecutionEventPublisher> logger)
    {
        _enabled = options.Value.PublishExecutionEvents;
        _services = services;
        _linger = options.Value.EventsLinger;
        _logger = logger;
    }

    /// <summary>Outcomes waiting for a publish.</summary>
    public int Queued { get { lock (_lock) return _queued; } }

    /// <summary>Queues <paramref name="outcome"/> for the event stream; returns at once.</summary>
    public void Publish(ExecutionOutcome outcome) =>
        Publish(outcome.JobId, outcome.ScheduledAt.UtcTicks, outcome.StartedAt.UtcTicks, outcome.FinishedAt.UtcTicks, outcome.Attempt,
            outcome.Status, outcome.IsFinal, outcome.Manual, outcome.Silo, outcome.JobVersion, outcome.Error);

    /// <summary>Queues an outcome given by its values; returns at once.</summary>
    public void Publish(string jobId, long scheduledTicks, long startedTicks, long finishedTicks, int attempt, ExecutionStatus status,
        bool isFinal, bool manual, string? silo, long jobVersion, string? error)
    {
        if (!_enabled) return;
        lock (_lock)
        {
            if (_queued >= MaxQueued)
            {
                // Bounded: events are a feed for watchers, not the record (the job's history and counters are).
                _dropped++;
                if (_dropped == 1 || _dropped % 10_000 == 0) LogDropped(_logger, _dropped, MaxQueued);
                return;
            }
            _filling.Add(jobId, scheduledTicks, startedTicks, finishedTicks, attempt, status, isFinal, manual, silo, jobVersion, error);
            _queued++;
            if (_filling.Count >= MaxBatch)
            {
                _full.Enqueue(_filling);
                _filling = _spare.TryPop(out var spare) ? spare : new OutcomePacker();
            }
            if (_publishing) return;
            _publishing = true;
        }
        _ = PumpAsync();
    }

    private async Task PumpAsync()
    {
        while (true)
        {
            if (_linger > TimeSpan.Zero && Queued < MaxBatch) await Task.Delay(_linger).ConfigureAwait(false);
            byte[] packed;
            int count;
            lock (_lock)
            {
                OutcomePacker batch;
                if (_full.Count > 0) batch = _full.Dequeue();
                else if (_filling.Count > 0)
                {
                    batch = _filling;
                    _filling = _spare.TryPop(out var spare) ? spare : new OutcomePacker();
                }
                else
                {
                    _publishing = false;
                    return;
                }
                packed = batch.ToArray();
                count = batch.Count;
                batch.Clear();
                // Keep a buffer or two for reuse; a burst's extra buffers go to the collector.
                if (_spare.Count < 2) _spare.Push(batch);
            }

            while (true)
            {
                try
                {
                    _stream ??= _services.GetRequiredKeyedService<IStreamProvider>(StreamNames.Provider)
                        .GetStream<ExecutionEventBatch>(StreamId.Create(StreamNames.Events, StreamNames.EventsKey));
                    await _stream.OnNextAsync(new ExecutionEventBatch(packed)).ConfigureAwait(false);
                    lock (_lock) _queued -= count;
                    break;
                }
                catch (ObjectDisposedException ex)
                {
                    // The silo has stopped under us: nothing here can publish any more.
                    int dropped;
                    lock (_lock)
                    {
                        dropped = _queued;
                        _queued = 0;
                        _full.Clear();
                        _filling.Clear();
                        _publishing = false;
                    }
                    LogStopped(_logger, ex, dropped);
                    return;
                }
                catch (Exception ex)
                {
                    LogPublishFailed(_logger, ex, count);
                    await Task.Delay(RetryDelay).ConfigureAwait(false);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing {Count} execution events failed; retrying")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Execution events: the silo has stopped; dropped {Count}")]
    private static partial void LogStopped(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Execution events: {MaxQueued} are waiting; dropped {Dropped} so far")]
    private static partial void LogDropped(ILogger logger, long dropped, int maxQueued);
}
