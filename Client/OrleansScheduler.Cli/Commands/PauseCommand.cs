using OrleansScheduler.Cli.Output;

namespace OrleansScheduler.Cli.Commands;

/// <summary><c>pause &lt;id&gt;</c>: stops a job firing until resumed.</summary>
internal sealed record PauseCommand(string Id) : ICliCommand
{
    public async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var job = await context.Scheduler.PauseAsync(Id, cancellationToken).ConfigureAwait(false);
        await context.Out.WriteAsync(context.Json ? CliJson.Serialize(job) + "\n" : "paused: " + JobDetails.Brief(job)).ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
