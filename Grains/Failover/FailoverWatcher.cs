using Microsoft.Extensions.Logging;
using Orleans.Runtime.Placement;

namespace OrleansScheduler.Grains.Failover;

/// <summary>
/// Keeps jobs firing when silos come and go. It follows the cluster's membership:
/// <list type="bullet">
/// <item>when a silo is declared dead, every job active on this silo redelivers what has not finished (the dead silo may
/// have held it in a worker or a stream queue), and this silo wakes the jobs the registry records on silos no longer
/// active, for its share of the registry buckets (bucket <c>b</c> belongs to the <c>b mod n</c>-th active silo by address,
/// so each bucket is swept by one silo); a woken job resumes from its stored state at once, not at a reminder tick;</item>
/// <item>when this silo starts, it sweeps its share too (a cluster restarted on the same store resumes at once);</item>
/// <item>every <see cref="SweepPeriod"/> it sweeps again, in case an event was missed;</item>
/// <item>when this silo stops, each of its jobs stores its progress and is woken on another silo straight away.</item>
/// </list>
/// </summary>
internal sealed partial class FailoverWatcher(
    IClusterMembershipService membership, IGrainFactory grains, LocalJobs localJobs, Dispatch.ExecutionDispatcher dispatcher, TimeProvider time,
    ILogger<FailoverWatcher> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan SweepPeriod = TimeSpan.FromSeconds(30);
    // How long executions bypass the stream after the set of active silos changed (queues move meanwhile).
    private static readonly TimeSpan DirectAfterChange = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);
    private const int Attempts = 20;
    private const int Parallelism = 64;

    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _sweeping = new(1, 1);
    private Task? _watch;
    private Task? _sweep;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(FailoverWatcher), ServiceLifecycleStage.Active, OnStartAsync, OnStopAsync);

    private Task OnStartAsync(CancellationToken cancellationToken)
    {
        _watch = Task.Run(() => WatchAsync(_stopping.Token), CancellationToken.None);
        _sweep = Task.Run(() => SweepPeriodicallyAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task OnStopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await HandOverAsync(cancellationToken);
        }
        finally
        {
            await _stopping.CancelAsync();
            foreach (var task in new[] { _watch, _sweep })
                if (task is not null) await task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        ClusterMembershipSnapshot? previous = null;
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellationToken))
            {
                var departed = previous is null ? [] : Departed(previous, snapshot);
                var joined = previous is null ? [] : Joined(previous, snapshot);
                var first = previous is null;
                previous = snapshot;
                if (departed.Length > 0 || joined.Length > 0)
                {
                    // The stream's queues move between silos now: go around them for a while, and send again what may
                    // sit in a queue that moves (or sat in a worker or queue of a silo that died).
                    dispatcher.PreferDirect(DirectAfterChange);
                    if (departed.Length > 0) LogDeparted(logger, string.Join(", ", departed), localJobs.Count);
                    else LogJoined(logger, string.Join(", ", joined), localJobs.Count);
                    foreach (var (_, job) in localJobs.Snapshot()) job.RedeliverAsync().Ignore();
                }
                if (first || departed.Length > 0) await SweepAsync(snapshot, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogWatchFailed(logger, ex);
        }
    }

    private static SiloAddress[] Departed(ClusterMembershipSnapshot previous, ClusterMembershipSnapshot current) =>
        [.. current.Members.Values
            .Where(m => m.Status == SiloStatus.Dead && previous.Members.TryGetValue(m.SiloAddress, out var before) && before.Status != SiloStatus.Dead)
            .Select(m => m.SiloAddress)];

    private static SiloAddress[] Joined(ClusterMembershipSnapshot previous, ClusterMembershipSnapshot current) =>
        [.. current.Members.Values
            .Where(m => m.Status == SiloStatus.Active && (!previous.Members.TryGetValue(m.SiloAddress, out var before) || before.Status != SiloStatus.Active))
            .Select(m => m.SiloAddress)];

    private async Task SweepPeriodicallyAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(SweepPeriod, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
                await SweepAsync(membership.CurrentSnapshot, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    // Wakes the jobs recorded on silos that are no longer active, for this silo's share of the buckets.
    private async Task SweepAsync(ClusterMembershipSnapshot snapshot, CancellationToken cancellationToken)
    {
        var active = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress.ToParsableString())
            .Order(StringComparer.Ordinal).ToArray();
        var me = Array.IndexOf(active, localJobs.SiloKey);
        if (me < 0) return;
        await _sweeping.WaitAsync(cancellationToken);
        try
        {
            var buckets = Share(me, active.Length, JobRegistry.BucketCount);
            var found = await Task.WhenAll(buckets.Select(bucket =>
                WithRetriesAsync(() => grains.GetGrain<IJobRegistryGrain>(bucket).OrphansAsync(active), cancellationToken)));
            // The wake-index buckets of this share come back at once too (their timers wake the far jobs), not at their
            // next reminder tick.
            await Task.WhenAll(Share(me, active.Length, JobWakeIndex.BucketCount).Select(bucket =>
                WithRetriesAsync(() => grains.GetGrain<IJobWakeIndexGrain>(bucket).DescribeAsync(), cancellationToken)));
            var orphans = found.Where(f => f is not null).SelectMany(f => f!).ToList();
            if (orphans.Count == 0) return;
            var started = time.GetTimestamp();
            var woken = 0;
            await Parallel.ForEachAsync(orphans, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (jobId, ct) =>
                {
                    if (await WithRetriesAsync(async () => { await grains.GetGrain<IJobGrain>(jobId).PingAsync(); return true; }, ct)) Interlocked.Increment(ref woken);
                });
            LogWoken(logger, woken, orphans.Count, time.GetElapsedTime(started).TotalMilliseconds);
        }
        finally
        {
            _sweeping.Release();
        }
    }

    // This silo's share of `count` buckets: every `members`-th one from its place among the active silos.
    private static List<int> Share(int me, int members, int count)
    {
        var share = new List<int>();
        for (var bucket = me; bucket < count; bucket += members) share.Add(bucket);
        return share;
    }

    // Calls into a cluster that is changing: a grain whose directory entry still names the dead silo answers only once
    // the directory lets go of it, so failures are retried for a few seconds.
    private async Task<T?> WithRetriesAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call().WaitAsync(CallTimeout, time, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && attempt < Attempts)
            {
                LogRetry(logger, ex.GetType().Name, attempt);
                await Task.Delay(RetryDelay, time, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                LogGaveUp(logger, ex);
                return default;
            }
        }
    }

    // Graceful stop: each job stores its progress and lets go, then is woken on another active silo (a placement hint),
    // so it fires again within milliseconds instead of after this silo is declared gone.
    private async Task HandOverAsync(CancellationToken cancellationToken)
    {
        var others = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && m.SiloAddress.ToParsableString() != localJobs.SiloKey)
            .Select(m => m.SiloAddress).ToArray();
        var jobs = localJobs.Snapshot();
        if (others.Length == 0 || jobs.Length == 0) return;
        var started = time.GetTimestamp();
        var handed = 0;
        await Parallel.ForEachAsync(jobs, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (entry, ct) =>
            {
                try
                {
                    await entry.Value.HandOffAsync().WaitAsync(CallTimeout, time, ct);
                    RequestContext.Set(IPlacementDirector.PlacementHintKey, others[(int)(StableHash.Of(entry.Key) % (ulong)others.Length)]);
                    await entry.Value.PingAsync().WaitAsync(CallTimeout, time, ct);
                    Interlocked.Increment(ref handed);
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    LogHandOverFailed(logger, ex, entry.Key);
                }
                finally
                {
                    RequestContext.Remove(IPlacementDirector.PlacementHintKey);
                }
            });
        LogHandedOver(logger, handed, jobs.Length, others.Length, time.GetElapsedTime(started).TotalMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo(s) {Silos} left the cluster: {Count} local jobs redeliver what has not finished")]
    private static partial void LogDeparted(ILogger logger, string silos, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo(s) {Silos} joined the cluster: executions go to workers directly while stream queues move; {Count} local jobs redeliver what has not finished")]
    private static partial void LogJoined(ILogger logger, string silos, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Woke {Woken} of {Count} jobs whose silo left, in {Ms:0} ms")]
    private static partial void LogWoken(ILogger logger, int woken, int count, double ms);

    [LoggerMessage(Level = LogLevel.Information, Message = "Handed {Handed} of {Count} jobs over to {Silos} other silos in {Ms:0} ms")]
    private static partial void LogHandedOver(ILogger logger, int handed, int count, int silos, double ms);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Failover call failed ({Error}), attempt {Attempt}; retrying")]
    private static partial void LogRetry(ILogger logger, string error, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failover call failed for good; the periodic sweep or the job's reminder will catch up")]
    private static partial void LogGaveUp(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not hand job {JobId} over; it resumes when this silo is declared gone")]
    private static partial void LogHandOverFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Membership watch stopped unexpectedly; failover falls back to the periodic sweep")]
    private static partial void LogWatchFailed(ILogger logger, Exception exception);
}
