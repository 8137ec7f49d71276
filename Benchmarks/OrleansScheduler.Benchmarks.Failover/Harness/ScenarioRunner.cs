using System.Globalization;

namespace OrleansScheduler.Benchmarks.Failover.Harness;

/// <summary>
/// Runs one scenario against one target: its store, N scheduler processes, the jobs, a warm-up, then the kills
/// (or the chaos), a grace period, and the analysis. Everything it starts it stops again, also when cancelled.
/// </summary>
public sealed class ScenarioRunner(FailoverOptions options, string target, RunDirectory run, TextWriter log)
{
    private readonly Random _random = new(options.Seed);
    private readonly List<DisruptionEvent> _disruptions = [];
    private readonly Workload _workload = Workload.From(options);
    private NodeHub _hub = null!;
    private SchedulerNodes _nodes = null!;
    private QuartzMembershipWatcher? _quartzWatcher;
    private Func<TimeSpan, CancellationToken, Task> _restartStore = null!;
    private long _fromTicks;
    private int _restarts;
    private int _unplanned;
    private readonly List<string> _notes = [];

    public async Task<FailoverResult> RunAsync(CancellationToken cancellationToken)
    {
        await using var hub = _hub = new NodeHub();
        hub.Start(_workload.Count);
        await using var postgres = target == "quartz" ? new PostgresServer(run, log) : null;
        await using var redis = target == "ours" ? new RedisServer(run, log) : null;
        string store, storeDescription;
        if (postgres is not null)
        {
            await postgres.StartAsync(cancellationToken);
            (store, storeDescription) = (postgres.ConnectionString, postgres.Describe);
            _restartStore = postgres.RestartAsync;
        }
        else
        {
            await redis!.StartAsync(cancellationToken);
            (store, storeDescription) = (redis.ConnectionString, redis.Describe);
            _restartStore = redis.RestartAsync;
        }
        log.WriteLine($"[{target}] store: {storeDescription}; logs in {run.Path}");

        await using var nodes = _nodes = new SchedulerNodes(options, target, store, hub, run);
        await using var watcher = _quartzWatcher = postgres is null ? null : new QuartzMembershipWatcher(store);
        var started = DateTimeOffset.UtcNow;
        // One after the other: three cold .NET processes at once on two cores only slow each other down.
        for (var n = 0; n < options.Nodes; n++) await nodes.StartAsync(n, cancellationToken);
        log.WriteLine($"[{target}] {options.Nodes} processes up in {(DateTimeOffset.UtcNow - started).TotalSeconds:0.0} s (pids {string.Join(", ", nodes.Up.Select(nodes.Pid))})");
        _quartzWatcher?.Start();

        // The epoch on a whole second, far enough ahead that the jobs exist before their first occurrence.
        var epoch = DateTimeOffset.UtcNow.AddSeconds(10 + _workload.Count / 2_000.0);
        epoch = new DateTimeOffset(epoch.UtcTicks - epoch.UtcTicks % TimeSpan.TicksPerSecond + TimeSpan.TicksPerSecond, TimeSpan.Zero);
        var creator = hub.Connection(nodes.Pid(0))!;
        await creator.SendAsync(string.Create(CultureInfo.InvariantCulture, $"CREATE {epoch.UtcTicks}"), cancellationToken);
        var created = await creator.Created.Task.WaitAsync(TimeSpan.FromMinutes(5), cancellationToken);
        var createdMs = double.Parse(created.Split(' ')[2], CultureInfo.InvariantCulture);
        log.WriteLine($"[{target}] {_workload.Count:N0} jobs created in {createdMs / 1000:0.0} s; first occurrence {epoch:HH:mm:ss}, counting from {epoch + options.Warmup:HH:mm:ss}");

        using var progressStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var progress = ProgressAsync(progressStop.Token);
        try
        {
            _fromTicks = (epoch + options.Warmup).UtcTicks;
            await DelayUntilAsync(_fromTicks, cancellationToken);
            if (options.Scenario == "kill") await KillScenarioAsync(cancellationToken);
            else await ChaosScenarioAsync(cancellationToken);
            var toTicks = DateTimeOffset.UtcNow.UtcTicks;
            log.WriteLine($"[{target}] done; {Durations(options.Grace)} grace for late occurrences");
            await Task.Delay(options.Grace, cancellationToken);

            foreach (var note in hub.DrainNotes().Distinct().Take(20)) _notes.Add(note);
            var header = new FailoverResult
            {
                Target = target == "quartz" ? "quartz-clustered" : "orleans-scheduler",
                Scenario = options.Scenario,
                Settings = Settings(),
                Store = storeDescription,
                JobsCreatedMs = createdMs,
                Restarts = _restarts,
                UnplannedExits = _unplanned,
                Notes = _notes,
            };
            // Ours documents the occurrences it may run again after a crash: those scheduled up to watermark block + lead +
            // window (7.7 s with the defaults) before it. Quartz.NET documents none.
            var redeliveryWindow = target == "quartz" ? TimeSpan.Zero : OursRedeliveryWindow;
            var analysis = new FailoverAnalysis(_workload, epoch.UtcTicks, _fromTicks, toTicks, options.RecoveryTimeout, redeliveryWindow);
            return analysis.Analyze(header, hub.Snapshot(), ResolveDeaths());
        }
        finally
        {
            await progressStop.CancelAsync();
            await progress;
        }
    }

    private static readonly TimeSpan OursRedeliveryWindow = TimeSpan.FromSeconds(7.7);

    private string Settings() => target == "quartz"
        ? $"Quartz.NET 4.7.3, {options.Nodes} processes, AdoJobStore (JobStoreTX, PostgreSQL delegate, Npgsql), clustered, clusterCheckinInterval {Durations(options.CheckinInterval)}, clusterCheckinMisfireThreshold {Durations(options.CheckinMisfireThreshold)}, threadPool {options.QuartzThreads}, batchTriggerAcquisitionMaxCount {options.QuartzBatch}, misfireThreshold default, misfire instruction {(options.Misfire == "fire-all" ? "IgnoreMisfires" : "RescheduleNextWithRemainingCount")}"
        : $"OrleansScheduler, {options.Nodes} silos, AddJobScheduler().UseRedisJobStore(), misfire {(options.Misfire == "fire-all" ? "FireAll" : "Skip")}" +
          (options.Settings.Count > 0 ? ", " + string.Join(' ', options.Settings.Select(kv => $"{kv.Key}={kv.Value}")) : "");

    private async Task KillScenarioAsync(CancellationToken cancellationToken)
    {
        for (var i = 1; i <= options.Kills; i++)
        {
            var victim = PickVictim(busiest: options.Victim == "busiest");
            var (ticks, pid, connection) = KillNode(victim);
            // Records the victim sent just before it died may still be in the harness' socket buffer.
            await Task.Delay(200, cancellationToken);
            var affected = _hub.JobsLastOn(pid);
            var deadline = ticks + options.RecoveryTimeout.Ticks;
            long? dead = null;
            var resumed = 0;
            while (DateTimeOffset.UtcNow.UtcTicks < deadline)
            {
                dead ??= DeclaredDead(connection, ticks);
                resumed = _hub.ResumedElsewhere(affected, pid, ticks);
                if (dead is not null && resumed == affected.Count) break;
                await Task.Delay(100, cancellationToken);
            }
            var all = DateTimeOffset.UtcNow.UtcTicks;
            log.WriteLine($"[{target}] kill {i}/{options.Kills}: node {victim} (pid {pid}), {affected.Count:N0} jobs last ran there; " +
                          $"declared dead {(dead is { } d ? $"after {(d - ticks) / 1e7:0.00} s" : "NOT within the timeout")}, " +
                          $"{resumed:N0} resumed elsewhere{(resumed == affected.Count ? $" (all by {(all - ticks) / 1e7:0.00} s)" : " by the timeout")}");
            await Task.Delay(options.Down, cancellationToken);
            await RestartNodeAsync(victim, cancellationToken);
            await Task.Delay(options.Settle, cancellationToken);
        }
    }

    private async Task ChaosScenarioAsync(CancellationToken cancellationToken)
    {
        var end = _fromTicks + options.Duration.Ticks;
        var storeAt = _fromTicks + options.Duration.Ticks / 2;
        var storeDone = false;
        while (true)
        {
            var pause = options.ChaosMin + (options.ChaosMax - options.ChaosMin) * _random.NextDouble();
            var next = Math.Min(end, DateTimeOffset.UtcNow.UtcTicks + pause.Ticks);
            await DelayUntilAsync(next, cancellationToken);
            if (DateTimeOffset.UtcNow.UtcTicks >= end) break;
            await RestartCrashedAsync(cancellationToken);
            if (!storeDone && DateTimeOffset.UtcNow.UtcTicks >= storeAt)
            {
                storeDone = true;
                var down = DateTimeOffset.UtcNow.UtcTicks;
                await _restartStore(TimeSpan.FromSeconds(3), cancellationToken);
                var up = DateTimeOffset.UtcNow.UtcTicks;
                _disruptions.Add(new DisruptionEvent("store restart", -1, 0, down, UpTicks: up));
                log.WriteLine($"[{target}] chaos: store killed and restarted (down {(up - down) / 1e7:0.0} s)");
                continue;
            }
            var downNodes = _nodes.Down.ToList();
            if (downNodes.Count > 0 && (downNodes.Count >= options.Nodes - 1 || _random.NextDouble() < 0.5))
            {
                var node = downNodes[_random.Next(downNodes.Count)];
                await RestartNodeAsync(node, cancellationToken);
                log.WriteLine($"[{target}] chaos: node {node} restarted (pid {_nodes.Pid(node)})");
            }
            else
            {
                var victim = PickVictim(busiest: false);
                var (_, pid, _) = KillNode(victim);
                log.WriteLine($"[{target}] chaos: node {victim} killed (pid {pid})");
            }
        }
        foreach (var node in _nodes.Down.ToList()) await RestartNodeAsync(node, cancellationToken);
    }

    private int PickVictim(bool busiest)
    {
        var up = _nodes.Up.ToList();
        if (!busiest) return up[_random.Next(up.Count)];
        var recent = _hub.RecentStartsByPid(TimeSpan.FromSeconds(2));
        return up.OrderByDescending(n => recent.GetValueOrDefault(_nodes.Pid(n))).First();
    }

    private (long Ticks, int Pid, NodeConnection? Connection) KillNode(int node)
    {
        var connection = _hub.Connection(_nodes.Pid(node));
        var (ticks, pid) = _nodes.Kill(node);
        _disruptions.Add(new DisruptionEvent("kill", node, pid, ticks));
        _killed[pid] = connection;
        return (ticks, pid, connection);
    }

    private readonly Dictionary<int, NodeConnection?> _killed = [];

    private async Task RestartNodeAsync(int node, CancellationToken cancellationToken)
    {
        var ticks = DateTimeOffset.UtcNow.UtcTicks;
        var connection = await _nodes.StartAsync(node, cancellationToken);
        _disruptions.Add(new DisruptionEvent("restart", node, connection.Pid, ticks));
        _restarts++;
    }

    private async Task RestartCrashedAsync(CancellationToken cancellationToken)
    {
        foreach (var node in _nodes.Crashed().ToList())
        {
            _unplanned++;
            var message = $"node {node} exited by itself; log tail:\n{SchedulerNodes.Tail(_nodes.LogFile(node), 5)}";
            _notes.Add(message.ReplaceLineEndings(" ¶ "));
            log.WriteLine($"[{target}] {message}");
            _nodes.ForgetCrashed(node);
            await RestartNodeAsync(node, cancellationToken);
        }
    }

    /// <summary>When the cluster declared the process behind <paramref name="connection"/> dead, after <paramref name="killTicks"/>.</summary>
    private long? DeclaredDead(NodeConnection? connection, long killTicks)
    {
        if (connection is null) return null;
        return target == "quartz"
            ? _quartzWatcher!.GoneTicks(connection.Identity) is { } t && t >= killTicks ? t : null
            : _hub.DeclaredDeadTicks(connection.SiloPort, connection.Generation, killTicks);
    }

    private List<DisruptionEvent> ResolveDeaths() =>
        _disruptions.Select(d => d.Kind == "kill" ? d with { DeclaredDeadTicks = DeclaredDead(_killed.GetValueOrDefault(d.Pid), d.Ticks) } : d).ToList();

    private async Task ProgressAsync(CancellationToken cancellationToken)
    {
        var last = _hub.RecordCount;
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken);
                var count = _hub.RecordCount;
                var byPid = _hub.RecentStartsByPid(TimeSpan.FromSeconds(10));
                var perNode = string.Join(", ", Enumerable.Range(0, _nodes.Count).Select(n => _nodes.IsUp(n) ? $"n{n} {byPid.GetValueOrDefault(_nodes.Pid(n)) / 10.0:N0}/s" : $"n{n} down"));
                var t = _fromTicks == 0 ? "warm-up" : $"t={(DateTimeOffset.UtcNow.UtcTicks - _fromTicks) / 1e7:0}s";
                log.WriteLine($"[{target}] {t}: {(count - last) / 10.0:N0} starts/s (due {options.DuePerSecond:N0}/s) — {perNode}");
                last = count;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task DelayUntilAsync(long ticks, CancellationToken cancellationToken)
    {
        var wait = TimeSpan.FromTicks(ticks - DateTimeOffset.UtcNow.UtcTicks);
        if (wait > TimeSpan.Zero) await Task.Delay(wait, cancellationToken);
    }

    private static string Durations(TimeSpan t) => OrleansScheduler.Jobs.Durations.Format(t);
}
