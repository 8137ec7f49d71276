using System.Diagnostics;
using System.Globalization;

namespace OrleansScheduler.Benchmarks.Failover.Harness;

/// <summary>
/// The N scheduler processes of one target: children of the harness, started as <c>node</c> mode of this executable,
/// their output in a log file per process in the run folder. A slot is killed with SIGKILL (<see cref="Process.Kill()"/>
/// on Linux) and restarted as a new process in the same slot (ours: on the same silo and gateway ports).
/// </summary>
public sealed class SchedulerNodes(FailoverOptions options, string target, string store, NodeHub hub, RunDirectory run) : IAsyncDisposable
{
    private readonly Process?[] _processes = new Process?[options.Nodes];
    private readonly int[] _starts = new int[options.Nodes];
    private readonly (int Silo, int Gateway)[] _ports = Enumerable.Range(0, options.Nodes).Select(_ => (Shell.FreePort(), Shell.FreePort())).ToArray();

    public int Count => _processes.Length;

    public bool IsUp(int node) => _processes[node] is { HasExited: false };

    public int Pid(int node) => _processes[node]?.Id ?? 0;

    public IEnumerable<int> Up => Enumerable.Range(0, Count).Where(IsUp);

    public IEnumerable<int> Down => Enumerable.Range(0, Count).Where(n => !IsUp(n));

    public string LogFile(int node) => Path.Combine(run.Path, $"{target}-node{node}.log");

    /// <summary>Starts the process of slot <paramref name="node"/> and waits until it reports ready.</summary>
    public async Task<NodeConnection> StartAsync(int node, CancellationToken cancellationToken)
    {
        var exe = Environment.ProcessPath!;
        // Started as `dotnet x.dll` the child needs the dll; started through the apphost it does not.
        var viaDotnet = Path.GetFileNameWithoutExtension(exe) == "dotnet";
        List<string> args = viaDotnet ? [Environment.GetCommandLineArgs()[0]] : [];
        args.AddRange(options.NodeArgs(target, node, hub.Port, store));
        args.AddRange(["--silo-port", _ports[node].Silo.ToString(CultureInfo.InvariantCulture), "--gateway-port", _ports[node].Gateway.ToString(CultureInfo.InvariantCulture)]);
        // exec keeps the pid, so the pid the harness kills is the scheduler's own.
        var info = new ProcessStartInfo("/bin/sh", ["-c", "exec \"$0\" \"$@\" >> \"$NODE_LOG\" 2>&1", exe, .. args]) { UseShellExecute = false };
        info.Environment["NODE_LOG"] = LogFile(node);
        info.Environment["DOTNET_gcServer"] = "0";
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {target} node {node}");
        run.Track(process.Id);
        _processes[node] = process;
        _starts[node]++;
        try
        {
            return await hub.WaitReadyAsync(process.Id, TimeSpan.FromMinutes(2), cancellationToken);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; its log: {LogFile(node)}\n{Tail(LogFile(node))}", e);
        }
    }

    /// <summary>kill -9 of slot <paramref name="node"/>; returns the instant of the kill (UTC ticks) and the pid killed.</summary>
    public (long Ticks, int Pid) Kill(int node)
    {
        var process = _processes[node] ?? throw new InvalidOperationException($"node {node} is not running");
        var pid = process.Id;
        var ticks = DateTimeOffset.UtcNow.UtcTicks;
        process.Kill();
        process.WaitForExit(5000);
        run.Untrack(pid);
        process.Dispose();
        _processes[node] = null;
        return (ticks, pid);
    }

    /// <summary>Processes that exited without being killed (a crash the harness did not cause).</summary>
    public IEnumerable<int> Crashed() => Enumerable.Range(0, Count).Where(n => _processes[n] is { HasExited: true });

    public void ForgetCrashed(int node)
    {
        if (_processes[node] is { HasExited: true } p)
        {
            run.Untrack(p.Id);
            p.Dispose();
            _processes[node] = null;
        }
    }

    public static string Tail(string file, int lines = 15)
    {
        try
        {
            return string.Join('\n', File.ReadLines(file).TakeLast(lines));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Up.ToList())
        {
            try
            {
                if (hub.Connection(Pid(node)) is { } c) await c.SendAsync("QUIT", CancellationToken.None);
            }
            catch (IOException)
            {
            }
        }
        for (var node = 0; node < Count; node++)
        {
            if (_processes[node] is not { } p) continue;
            if (!p.WaitForExit(3000))
            {
                p.Kill();
                p.WaitForExit(5000);
            }
            run.Untrack(p.Id);
            p.Dispose();
            _processes[node] = null;
        }
    }
}
