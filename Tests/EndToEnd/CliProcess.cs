using System.Diagnostics;

namespace OrleansScheduler.Tests.EndToEnd;

/// <summary>One run of the real <c>orleans-scheduler</c> CLI as a process.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

public static class CliProcess
{
    public static async Task<CliResult> RunAsync(int port, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "orleans-scheduler.dll"));
        info.ArgumentList.Add("--port");
        info.ArgumentList.Add(port.ToString());
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"orleans-scheduler {string.Join(' ', args)} did not finish within 60 s");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
