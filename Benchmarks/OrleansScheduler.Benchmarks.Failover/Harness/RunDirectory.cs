using System.Diagnostics;
using System.Globalization;

namespace OrleansScheduler.Benchmarks.Failover.Harness;

/// <summary>
/// The run's temporary folder (process logs, the PostgreSQL data dir, the Redis dir) and its watchdog: a detached shell
/// that waits for the harness to exit, however it exits (also <c>kill -9</c>), then kills every process listed in
/// <c>pids</c>, runs <c>stop.sh</c> (stops PostgreSQL) and removes the folder. A normal exit does the same itself first.
/// </summary>
public sealed class RunDirectory : IDisposable
{
    private readonly Lock _lock = new();
    private readonly HashSet<int> _pids = [];

    public RunDirectory()
    {
        Path = Directory.CreateTempSubdirectory("orleans-scheduler-failover-").FullName;
        // PostgreSQL runs as its own user and must reach its data dir below this one.
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                                       UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        File.WriteAllText(PidsFile, "");
        StartWatchdog();
    }

    public string Path { get; }

    private string PidsFile => System.IO.Path.Combine(Path, "pids");

    /// <summary>A shell command the watchdog runs if the harness dies without cleaning up (stopping PostgreSQL).</summary>
    public void SetStopCommand(string command) => File.WriteAllText(System.IO.Path.Combine(Path, "stop.sh"), command + "\n");

    public void Track(int pid)
    {
        lock (_lock)
        {
            _pids.Add(pid);
            WritePids();
        }
    }

    public void Untrack(int pid)
    {
        lock (_lock)
        {
            _pids.Remove(pid);
            WritePids();
        }
    }

    private void WritePids()
    {
        var text = string.Join('\n', _pids.Select(p => p.ToString(CultureInfo.InvariantCulture))) + "\n";
        File.WriteAllText(PidsFile + ".tmp", text);
        File.Move(PidsFile + ".tmp", PidsFile, overwrite: true);
    }

    private void StartWatchdog()
    {
        // setsid: its own session, so a Ctrl+C to the harness' process group does not take the watchdog with it.
        var script = $$"""
            while kill -0 {{Environment.ProcessId}} 2>/dev/null; do sleep 1; done
            for p in $(cat '{{PidsFile}}' 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
            if [ -f '{{Path}}/stop.sh' ]; then bash '{{Path}}/stop.sh' >/dev/null 2>&1; fi
            rm -rf '{{Path}}'
            """;
        var info = new ProcessStartInfo("setsid", ["bash", "-c", script]) { UseShellExecute = false, RedirectStandardInput = false };
        using var _ = Process.Start(info);
    }

    /// <summary>Kills what is still tracked and removes the folder (the watchdog then finds nothing to do).</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var pid in _pids)
            {
                try
                {
                    using var p = Process.GetProcessById(pid);
                    p.Kill();
                }
                catch (ArgumentException)
                {
                    // Already gone.
                }
                catch (InvalidOperationException)
                {
                    // Already gone.
                }
            }
            _pids.Clear();
            WritePids();
        }
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // The watchdog removes it after the harness has exited.
        }
        catch (UnauthorizedAccessException)
        {
            // Idem.
        }
    }
}
