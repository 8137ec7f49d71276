using OrleansScheduler.Cli.Output;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Cli.Commands;

/// <summary><c>list …</c>: one page of jobs ordered by id; text output ends with how to get the next page.</summary>
internal sealed record ListCommand(JobQuery Query) : ICliCommand
{
    public async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var page = await context.Scheduler.ListAsync(Query, cancellationToken).ConfigureAwait(false);
        if (context.Json)
        {
            await context.Out.WriteLineAsync(CliJson.Serialize(page)).ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        await context.Out.WriteAsync(JobTables.Jobs(page.Items)).ConfigureAwait(false);
        if (page.Next is { } next)
            await context.Error.WriteLineAsync($"more jobs: add --after {next}").ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
