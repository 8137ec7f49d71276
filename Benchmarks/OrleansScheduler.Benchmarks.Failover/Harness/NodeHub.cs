using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace OrleansScheduler.Benchmarks.Failover.Harness;

/// <summary>
/// The harness end of the loopback link to the scheduler processes. Each process connects, says who it is, and then
/// streams one line per handler start; the harness sends it commands (create the jobs, quit). Every line a process sent
/// before it was killed has reached the kernel already, so <c>kill -9</c> loses at most the records of the last
/// microseconds (the writer sends as soon as a record is queued).
/// </summary>
public sealed class NodeHub : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<int, NodeConnection> _byPid = new();
    private readonly Lock _lock = new();
    private readonly List<ExecutionRecord> _records = new(1 << 20);
    private readonly List<(int Port, long Generation, long Ticks, int ReporterPid)> _deaths = [];
    private readonly ConcurrentQueue<string> _notes = new();
    private int[] _lastPid = [];
    private long[] _lastStart = [];
    private Task? _accept;

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Starts accepting; <paramref name="jobs"/> sizes the per-job "last seen" tables.</summary>
    public void Start(int jobs)
    {
        _lastPid = new int[jobs];
        _lastStart = new long[jobs];
        _listener.Start();
        _accept = AcceptAsync(_stop.Token);
    }

    /// <summary>The live connection of process <paramref name="pid"/>, once it said hello.</summary>
    public NodeConnection? Connection(int pid) => _byPid.TryGetValue(pid, out var c) ? c : null;

    public async Task<NodeConnection> WaitReadyAsync(int pid, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        while (true)
        {
            if (_byPid.TryGetValue(pid, out var c) && c.Ready.Task.IsCompleted) return c;
            try
            {
                await Task.Delay(50, cts.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"scheduler process {pid} did not report ready within {timeout.TotalSeconds:0} s");
            }
        }
    }

    /// <summary>Everything recorded so far, in arrival order (a copy).</summary>
    public List<ExecutionRecord> Snapshot()
    {
        lock (_lock) return [.. _records];
    }

    public int RecordCount
    {
        get { lock (_lock) return _records.Count; }
    }

    /// <summary>Starts per process during the last <paramref name="window"/> (for progress and picking the busiest victim).</summary>
    public Dictionary<int, int> RecentStartsByPid(TimeSpan window)
    {
        var since = DateTimeOffset.UtcNow.UtcTicks - window.Ticks;
        var result = new Dictionary<int, int>();
        lock (_lock)
        {
            for (var i = _records.Count - 1; i >= 0 && _records[i].StartTicks >= since; i--)
                result[_records[i].Pid] = result.GetValueOrDefault(_records[i].Pid) + 1;
        }
        return result;
    }

    /// <summary>Jobs whose most recent start ran in process <paramref name="pid"/>: the jobs a kill of it interrupts.</summary>
    public HashSet<int> JobsLastOn(int pid)
    {
        var jobs = new HashSet<int>();
        lock (_lock)
        {
            for (var j = 0; j < _lastPid.Length; j++)
                if (_lastPid[j] == pid) jobs.Add(j);
        }
        return jobs;
    }

    /// <summary>How many of <paramref name="jobs"/> have started in another process than <paramref name="pid"/> after <paramref name="sinceTicks"/>.</summary>
    public int ResumedElsewhere(IReadOnlyCollection<int> jobs, int pid, long sinceTicks)
    {
        var n = 0;
        lock (_lock)
        {
            foreach (var j in jobs)
                if (_lastPid[j] != pid && _lastStart[j] > sinceTicks) n++;
        }
        return n;
    }

    /// <summary>Earliest report, after <paramref name="afterTicks"/>, by any process of silo (port, generation) being declared dead.</summary>
    public long? DeclaredDeadTicks(int port, long generation, long afterTicks)
    {
        lock (_lock)
        {
            var hits = _deaths.Where(d => d.Port == port && d.Generation == generation && d.Ticks >= afterTicks).Select(d => d.Ticks).ToList();
            return hits.Count == 0 ? null : hits.Min();
        }
    }

    /// <summary>Warnings the processes sent (handler errors, id mismatches), drained.</summary>
    public IEnumerable<string> DrainNotes()
    {
        while (_notes.TryDequeue(out var note)) yield return note;
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            client.NoDelay = true;
            _ = Task.Run(() => ServeAsync(client, cancellationToken), CancellationToken.None);
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using var _ = client;
        var stream = client.GetStream();
        using var reader = new StreamReader(stream);
        NodeConnection? connection = null;
        var batch = new List<ExecutionRecord>(256);
        try
        {
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                var parts = line.Split(' ', 5);
                switch (parts[0])
                {
                    case "E" when connection is not null:
                        batch.Add(new ExecutionRecord(int.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture),
                            long.Parse(parts[3], CultureInfo.InvariantCulture), connection.Node, connection.Pid));
                        // A lock per record: a few thousand a second, and the "last seen" tables stay current for the kill loop.
                        Flush(batch);
                        break;
                    case "HELLO":
                        // HELLO <node> <pid> <silo port or 0> <generation or instance id>
                        connection = new NodeConnection(int.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture),
                            int.Parse(parts[3], CultureInfo.InvariantCulture), parts[4], stream);
                        _byPid[connection.Pid] = connection;
                        break;
                    case "READY" when connection is not null:
                        connection.Ready.TrySetResult();
                        break;
                    case "CREATED" when connection is not null:
                        connection.Created.TrySetResult(line);
                        break;
                    case "DEAD" when connection is not null:
                        // DEAD <silo port> <generation> <ticks>: this process saw that silo declared dead.
                        lock (_lock) _deaths.Add((int.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture), long.Parse(parts[3], CultureInfo.InvariantCulture), connection.Pid));
                        break;
                    case "NOTE":
                        _notes.Enqueue($"[node {connection?.Node} pid {connection?.Pid}] {line[5..]}");
                        break;
                }
            }
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
            // The process died (that is the point of this benchmark): what it sent before is kept.
        }
        Flush(batch);
        connection?.Closed.TrySetResult();
    }

    private void Flush(List<ExecutionRecord> batch)
    {
        if (batch.Count == 0) return;
        lock (_lock)
        {
            foreach (var r in batch)
            {
                _records.Add(r);
                if (r.Job >= 0 && r.Job < _lastPid.Length && r.StartTicks >= _lastStart[r.Job])
                {
                    _lastPid[r.Job] = r.Pid;
                    _lastStart[r.Job] = r.StartTicks;
                }
            }
        }
        batch.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        if (_accept is not null) await _accept;
        _stop.Dispose();
    }
}
