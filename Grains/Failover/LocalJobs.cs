using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OrleansScheduler.Grains.Failover;

/// <summary>
/// The job activations on this silo, and this silo's key in the registry. When another silo dies, each of them
/// redelivers what it has not heard back about; when this silo stops, each hands over to a survivor. It also wakes
/// jobs whose activation went away without a successor being sure to exist (fenced by a duplicate that Orleans then
/// removed, or deactivated by the runtime).
/// </summary>
public sealed partial class LocalJobs(ILocalSiloDetails silo, IGrainFactory grains, TimeProvider time, ILogger<LocalJobs> logger)
{
    private static readonly TimeSpan WakeDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);
    private const int WakeAttempts = 10;
    private readonly ConcurrentDictionary<string, Entry> _jobs = new(StringComparer.Ordinal);

    /// <summary>This silo's address as the registry records it.</summary>
    public string SiloKey { get; } = silo.SiloAddress.ToParsableString();

    /// <summary>Number of job activations on this silo.</summary>
    public int Count => _jobs.Count;

    private long _activated;

    /// <summary>Job activations this silo has had since it started (for diagnostics: idle jobs should not add to it).</summary>
    public long Activated => Interlocked.Read(ref _activated);

    /// <summary>Records an activation; <paramref name="activation"/> tells it apart from an earlier or later one of the same job.</summary>
    public void Add(string jobId, IJobGrain job, object activation)
    {
        _jobs[jobId] = new Entry(job, activation);
        Interlocked.Increment(ref _activated);
    }

    /// <summary>Forgets an activation, unless a newer one of the same job has been recorded since.</summary>
    public void Remove(string jobId, object activation)
    {
        if (_jobs.TryGetValue(jobId, out var entry) && ReferenceEquals(entry.Activation, activation))
            _jobs.TryRemove(new KeyValuePair<string, Entry>(jobId, entry));
    }

    /// <summary>A snapshot of the activations.</summary>
    public KeyValuePair<string, IJobGrain>[] Snapshot() => [.. _jobs.Select(j => new KeyValuePair<string, IJobGrain>(j.Key, j.Value.Job))];

    /// <summary>
    /// Makes sure the job has an activation again shortly (after the current one has gone): a call activates it, from its
    /// stored state, wherever Orleans places it; one that already exists takes the call as a no-op.
    /// </summary>
    public void WakeSoon(string jobId) => _ = WakeSoonAsync(jobId);

    private async Task WakeSoonAsync(string jobId)
    {
        for (var attempt = 1; attempt <= WakeAttempts; attempt++)
        {
            await Task.Delay(WakeDelay * attempt, time).ConfigureAwait(false);
            try
            {
                await grains.GetGrain<IJobGrain>(jobId).PingAsync().WaitAsync(CallTimeout, time).ConfigureAwait(false);
                return;
            }
            catch (Exception ex)
            {
                LogWakeRetry(logger, ex.GetType().Name, jobId, attempt);
            }
        }
        LogWakeGaveUp(logger, jobId);
    }

    private sealed record Entry(IJobGrain Job, object Activation);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Waking job {JobId} failed ({Error}), attempt {Attempt}")]
    private static partial void LogWakeRetry(ILogger logger, string error, string jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not wake job {JobId}; its reminder or the next sweep will")]
    private static partial void LogWakeGaveUp(ILogger logger, string jobId);
}
