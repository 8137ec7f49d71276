using Microsoft.Extensions.Logging;

namespace OrleansScheduler.Grains.Dispatch;

/// <summary>
/// Hands items to a publish function with at most one publish in flight: whatever arrives while one is in flight
/// goes out together in the next, and a publish waits up to <c>linger</c> for company before it leaves. Batches grow
/// with the load by themselves, so a stream carries a few large events instead of many small ones (each stream event
/// costs a handful of grain messages whatever its size), and a slow stream slows no caller.
/// A failed publish keeps its batch and retries after a short pause. Enqueue never blocks.
/// </summary>
/// <example>
/// Linger 20 ms, 10 items/ms arriving: the first item waits 20 ms and leaves with ~200 others; while that publish
/// runs, the next batch gathers. At 1 item/s each item leaves alone, 20 ms after it arrived.
/// </example>
internal sealed partial class CoalescingPublisher<T>(string name, Func<T[], Task> publish, int maxBatch, int maxQueued, TimeSpan linger, ILogger logger)
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);
    private readonly Lock _lock = new();
    private readonly Queue<T> _queue = new();
    private bool _publishing;
    private long _dropped;

    /// <summary>Items waiting for a publish.</summary>
    public int Queued { get { lock (_lock) return _queue.Count; } }

    /// <summary>Queues <paramref name="item"/> and starts a publish unless one is in flight.</summary>
    public void Enqueue(T item)
    {
        lock (_lock)
        {
            if (_queue.Count >= maxQueued)
            {
                // Bounded: the caller's durable state (the watermark) lets what is dropped here be redelivered.
                _dropped++;
                if (_dropped == 1 || _dropped % 10_000 == 0) LogDropped(logger, name, _dropped, maxQueued);
                return;
            }
            _queue.Enqueue(item);
            if (_publishing) return;
            _publishing = true;
        }
        _ = PumpAsync();
    }

    /// <summary>Queues several items at once.</summary>
    public void EnqueueRange(IEnumerable<T> items)
    {
        foreach (var item in items) Enqueue(item);
    }

    private async Task PumpAsync()
    {
        while (true)
        {
            if (linger > TimeSpan.Zero && Queued < maxBatch) await Task.Delay(linger).ConfigureAwait(false);
            T[] batch;
            lock (_lock)
            {
                if (_queue.Count == 0)
                {
                    _publishing = false;
                    return;
                }
                batch = new T[Math.Min(_queue.Count, maxBatch)];
                for (var i = 0; i < batch.Length; i++) batch[i] = _queue.Dequeue();
            }

            while (true)
            {
                try
                {
                    await publish(batch).ConfigureAwait(false);
                    break;
                }
                catch (ObjectDisposedException ex)
                {
                    // The silo has stopped under us: nothing here can publish any more. What is dropped was not
                    // acknowledged, so its jobs redeliver it on the silos that remain.
                    int dropped;
                    lock (_lock)
                    {
                        dropped = batch.Length + _queue.Count;
                        _queue.Clear();
                        _publishing = false;
                    }
                    LogStopped(logger, ex, name, dropped);
                    return;
                }
                catch (Exception ex)
                {
                    LogPublishFailed(logger, ex, name, batch.Length);
                    await Task.Delay(RetryDelay).ConfigureAwait(false);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing {Count} items on {Name} failed; retrying")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string name, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Name}: the silo has stopped; dropped {Count} items")]
    private static partial void LogStopped(ILogger logger, Exception exception, string name, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Name} has {MaxQueued} items waiting; dropped {Dropped} so far")]
    private static partial void LogDropped(ILogger logger, string name, long dropped, int maxQueued);
}
