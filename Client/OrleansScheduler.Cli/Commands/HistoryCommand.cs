using OrleansScheduler.Cli.Output;

namespace OrleansScheduler.Cli.Commands;

/// <summary><c>history &lt;id&gt; [--limit N]</c>: the job's latest execution outcomes, newest first.</summary>
internal sealed record HistoryCommand(string Id, int Limit) : ICliCommand
{
    /// <summary>Outcomes shown when <c>--limit</c> is absent.</summary>
    public const int DefaultLimit = 50;

    public async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var outcomes = await context.Scheduler.GetHistoryAsync(Id, Limit, cancellationToken).ConfigureAwait(false);
        await context.Out.WriteAsync(context.Json ? CliJson.Serialize(outcomes) + "\n" : JobTables.History(outcomes)).ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
