using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using OrleansScheduler.Tests.EndToEnd;

namespace OrleansScheduler.Tests.Redis;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port, with its data in a temporary folder and an append-only file
/// synced on every write, so a <c>kill -9</c> loses nothing, as a production Redis with AOF would. ./test.sh installs
/// the Debian package when it is missing.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _directory;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private RedisServer(int port, string directory)
    {
        Port = port;
        _directory = directory;
    }

    public int Port { get; }

    /// <summary>StackExchange.Redis connection string of this server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public string Output { get { lock (_output) return _output.ToString(); } }

    public static async Task<RedisServer> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("orleans-scheduler-redis-").FullName;
        var server = new RedisServer(SiloProcess.FreePort(), directory);
        await server.RunAsync();
        return server;
    }

    /// <summary>Kills the server with SIGKILL, as a crash would, and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (_process is null) return;
        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    /// <summary>Starts the server again on the same port and data folder.</summary>
    public Task RestartAsync() => RunAsync();

    private async Task RunAsync()
    {
        var info = new ProcessStartInfo(Executable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", _directory, "--save", "",
            "--appendonly", "yes", "--appendfsync", "always", "--daemonize", "no", "--protected-mode", "yes",
        })
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start");
        process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await AcceptsConnectionsAsync())
        {
            if (process.HasExited) throw new InvalidOperationException($"redis-server exited with {process.ExitCode}:\n{Output}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"redis-server did not accept connections on port {Port} within 30 s:\n{Output}");
            await Task.Delay(50);
        }
    }

    private async Task<bool> AcceptsConnectionsAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(2));
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException or TimeoutException)
        {
            return false;
        }
    }

    private static string Executable()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/bin").Append("/usr/sbin"))
        {
            var candidate = Path.Combine(dir, "redis-server");
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException("redis-server is not installed: run ./test.sh (it installs it) or apt-get install redis-server");
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }
}
