using OrleansScheduler.Cli.Output;

namespace OrleansScheduler.Cli.Commands;

/// <summary><c>resume &lt;id&gt;</c>: starts a paused job firing again from its next occurrence.</summary>
internal sealed record ResumeCommand(string Id) : ICliCommand
{
    public async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var job = await context.Scheduler.ResumeAsync(Id, cancellationToken).ConfigureAwait(false);
        await context.Out.WriteAsync(context.Json ? CliJson.Serialize(job) + "\n" : "resumed: " + JobDetails.Brief(job)).ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
