using OrleansScheduler.Cli.Output;

namespace OrleansScheduler.Cli.Commands;

/// <summary><c>trigger &lt;id&gt;</c>: runs a job once now; prints the execution id.</summary>
internal sealed record TriggerCommand(string Id) : ICliCommand
{
    /// <summary>What <c>trigger --json</c> prints.</summary>
    public sealed record JsonResult(string JobId, string ExecutionId);

    public async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var executionId = await context.Scheduler.TriggerAsync(Id, cancellationToken).ConfigureAwait(false);
        await context.Out.WriteLineAsync(context.Json ? CliJson.Serialize(new JsonResult(Id, executionId)) : executionId).ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
