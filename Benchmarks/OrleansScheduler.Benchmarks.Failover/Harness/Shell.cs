using System.Diagnostics;

namespace OrleansScheduler.Benchmarks.Failover.Harness;

/// <summary>Runs short helper commands (apt-get, initdb, pg_ctl) and fails with their output when they fail.</summary>
public static class Shell
{
    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>Runs <paramref name="file"/> and returns its output; throws with the output on a non-zero exit or a timeout.</summary>
    public static async Task<string> RunAsync(string file, IEnumerable<string> args, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', info.ArgumentList)} did not finish within {timeout.TotalSeconds:0} s");
        }
        var output = (await stdout) + (await stderr);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', info.ArgumentList)} exited with {process.ExitCode}:\n{output}");
        return output;
    }

    /// <summary>Runs a command as the <c>postgres</c> user when we are root (PostgreSQL refuses to run as root).</summary>
    public static Task<string> RunAsPostgresAsync(string file, IEnumerable<string> args, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", file, .. args], timeout, cancellationToken) : RunAsync(file, args, timeout, cancellationToken);

    /// <summary>Installs Debian packages with apt-get (updating the lists first) when a tool is missing.</summary>
    public static async Task AptInstallAsync(TextWriter log, params string[] packages)
    {
        if (!IsRoot) throw new InvalidOperationException($"{string.Join(", ", packages)} missing and not root: install with `sudo apt-get install -y {string.Join(' ', packages)}`");
        log.WriteLine($"installing {string.Join(", ", packages)} with apt-get …");
        await RunAsync("apt-get", ["update", "-q"], TimeSpan.FromMinutes(5));
        await RunAsync("apt-get", ["install", "-y", "-q", "--no-install-recommends", .. packages], TimeSpan.FromMinutes(10));
    }

    /// <summary>The first executable named <paramref name="name"/> on PATH, or null.</summary>
    public static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
