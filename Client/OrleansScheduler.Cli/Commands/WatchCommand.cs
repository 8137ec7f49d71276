using OrleansScheduler.Cli.Output;

namespace OrleansScheduler.Cli.Commands;

/// <summary>
/// <c>watch [&lt;id&gt;] [--count N] [--for 10s]</c>: prints execution outcomes as they arrive, one per line (JSON lines
/// with <c>--json</c>), until N were printed, the duration passed, or Ctrl+C. Each of those ends it with exit code 0.
/// </summary>
internal sealed record WatchCommand(string? Id, int? Count, TimeSpan? For) : ICliCommand
{
    public async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        using var duration = For is { } limit ? new CancellationTokenSource(limit, context.Time) : new CancellationTokenSource();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, duration.Token);
        if (!context.Json)
            await context.Error.WriteLineAsync($"watching {(Id is null ? "all jobs" : "job " + Id)}; Ctrl+C to stop").ConfigureAwait(false);

        var printed = 0;
        try
        {
            await foreach (var outcome in context.Scheduler.WatchAsync(Id, stop.Token).ConfigureAwait(false))
            {
                await context.Out.WriteLineAsync(context.Json ? CliJson.SerializeLine(outcome) : OutcomeLine.Render(outcome)).ConfigureAwait(false);
                await context.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                if (++printed >= Count) break;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Time is up or the user pressed Ctrl+C: both are the normal end of a watch.
        }

        return ExitCodes.Ok;
    }
}
