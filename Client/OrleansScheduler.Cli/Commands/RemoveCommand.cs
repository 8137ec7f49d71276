using OrleansScheduler.Cli.Output;
using OrleansScheduler.Errors;

namespace OrleansScheduler.Cli.Commands;

/// <summary><c>remove &lt;id&gt;</c>: deletes a job; a job that does not exist is exit code 3.</summary>
internal sealed record RemoveCommand(string Id) : ICliCommand
{
    /// <summary>What <c>remove --json</c> prints.</summary>
    public sealed record JsonResult(string JobId, bool Deleted);

    public async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        if (!await context.Scheduler.DeleteAsync(Id, cancellationToken).ConfigureAwait(false))
            throw new JobNotFoundException(Id);
        await context.Out.WriteLineAsync(context.Json ? CliJson.Serialize(new JsonResult(Id, true)) : "removed: " + Id).ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
