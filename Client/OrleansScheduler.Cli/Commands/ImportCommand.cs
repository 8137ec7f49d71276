using OrleansScheduler.Cli.Input;
using OrleansScheduler.Cli.Output;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Cli.Commands;

/// <summary>
/// <c>import &lt;file&gt; [--upsert]</c>: creates every job definition of a JSON Lines file or JSON array
/// (<see cref="JobFile"/>; <c>-</c> reads stdin) through <c>CreateManyAsync</c>. The whole file is parsed first, so a
/// malformed one creates nothing (exit 2). A refused definition keeps none of the others out; it is listed and the
/// exit code is 5. Progress goes to stderr every <see cref="ImportProgress.Interval"/>.
/// </summary>
internal sealed record ImportCommand(string Source, bool Upsert) : ICliCommand
{
    /// <summary>The <see cref="Source"/> that means standard input.</summary>
    public const string StandardInput = "-";

    /// <summary>At most this many refused definitions are printed as text; <c>--json</c> lists them all.</summary>
    public const int PrintedFailures = 20;

    public async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var definitions = await ReadAsync(context, cancellationToken).ConfigureAwait(false);
        var progress = new ImportProgress(context.Error, context.Time, definitions.Count);
        var result = await context.Scheduler.CreateManyAsync(definitions, Upsert, progress, cancellationToken).ConfigureAwait(false);
        await context.Out.WriteAsync(context.Json ? CliJson.Serialize(result) + "\n" : ImportSummary.Render(result, PrintedFailures)).ConfigureAwait(false);
        return result.Failed.Count == 0 ? ExitCodes.Ok : ExitCodes.Validation;
    }

    private async Task<List<JobDefinition>> ReadAsync(CommandContext context, CancellationToken cancellationToken)
    {
        if (Source == StandardInput) return await JobFile.ReadAsync(context.In, "stdin", cancellationToken).ConfigureAwait(false);
        StreamReader file;
        try
        {
            file = new StreamReader(Source);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new JobFileException($"cannot read {Source}: {e.Message}", e);
        }

        using (file)
        {
            return await JobFile.ReadAsync(file, Source, cancellationToken).ConfigureAwait(false);
        }
    }
}
