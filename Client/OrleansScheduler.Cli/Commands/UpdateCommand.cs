using OrleansScheduler.Cli.Output;
using OrleansScheduler.Errors;

namespace OrleansScheduler.Cli.Commands;

/// <summary><c>update &lt;id&gt; …</c>: changes the given settings of a job and keeps the others.</summary>
internal sealed record UpdateCommand(string Id, JobSettings Settings) : ICliCommand
{
    public async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        // Read-modify-write: a concurrent update in between is overwritten, which is what "update" means here.
        var current = await context.Scheduler.GetAsync(Id, cancellationToken).ConfigureAwait(false)
            ?? throw new JobNotFoundException(Id);
        var job = await context.Scheduler.UpdateAsync(Settings.ApplyTo(current.Definition), cancellationToken).ConfigureAwait(false);
        await context.Out.WriteAsync(context.Json ? CliJson.Serialize(job) + "\n" : "updated: " + JobDetails.Brief(job)).ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
