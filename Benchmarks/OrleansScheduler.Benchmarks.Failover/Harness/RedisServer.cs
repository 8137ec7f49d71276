using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace OrleansScheduler.Benchmarks.Failover.Harness;

/// <summary>
/// A private <c>redis-server</c> (Debian's package, installed with apt-get when missing) on a free loopback port, its
/// files in the run folder. Append-only file with fsync every second, so a restart keeps the jobs (the Debian default,
/// RDB snapshots only, would lose everything written since the last snapshot).
/// </summary>
public sealed class RedisServer(RunDirectory run, TextWriter log) : IAsyncDisposable
{
    private string _exe = "";
    private Process? _process;

    public int Port { get; private set; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public string Describe => $"redis-server ({_exe}) on 127.0.0.1:{Port}, appendonly yes, appendfsync everysec";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _exe = Shell.Which("redis-server") ?? "";
        if (_exe.Length == 0)
        {
            await Shell.AptInstallAsync(log, "redis-server");
            _exe = Shell.Which("redis-server") ?? throw new InvalidOperationException("redis-server installed but not on PATH");
        }
        Port = Shell.FreePort();
        await StartServerAsync(cancellationToken);
    }

    /// <summary>Kills the server (<c>kill -9</c>, a crash) and, after <paramref name="down"/>, starts it again on the same files and port.</summary>
    public async Task RestartAsync(TimeSpan down, CancellationToken cancellationToken)
    {
        Kill();
        await Task.Delay(down, cancellationToken);
        await StartServerAsync(cancellationToken);
    }

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        var dir = Path.Combine(run.Path, "redis");
        Directory.CreateDirectory(dir);
        var info = new ProcessStartInfo("/bin/sh", ["-c", "exec \"$0\" \"$@\" >> \"$REDIS_LOG\" 2>&1", _exe,
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", dir,
            "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--daemonize", "no", "--protected-mode", "yes"])
        { UseShellExecute = false };
        info.Environment["REDIS_LOG"] = Path.Combine(dir, "redis.log");
        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start redis-server");
        run.Track(_process.Id);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port, cancellationToken);
                var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
                var buffer = new byte[64];
                var n = await stream.ReadAsync(buffer, cancellationToken);
                // A server still loading its append-only file answers -LOADING.
                if (Encoding.ASCII.GetString(buffer, 0, n).StartsWith("+PONG", StringComparison.Ordinal)) return;
            }
            catch (SocketException)
            {
            }
            if (DateTime.UtcNow > deadline || _process.HasExited)
                throw new InvalidOperationException($"redis-server did not answer PING on port {Port}; see {info.Environment["REDIS_LOG"]}");
            await Task.Delay(50, cancellationToken);
        }
    }

    private void Kill()
    {
        if (_process is null) return;
        try
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }
        run.Untrack(_process.Id);
        _process.Dispose();
        _process = null;
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        return ValueTask.CompletedTask;
    }
}
