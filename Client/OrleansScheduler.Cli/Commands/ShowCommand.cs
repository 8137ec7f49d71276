using OrleansScheduler.Cli.Output;
using OrleansScheduler.Errors;

namespace OrleansScheduler.Cli.Commands;

/// <summary><c>show &lt;id&gt;</c>: everything about one job.</summary>
internal sealed record ShowCommand(string Id) : ICliCommand
{
    public async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var job = await context.Scheduler.GetAsync(Id, cancellationToken).ConfigureAwait(false)
            ?? throw new JobNotFoundException(Id);
        await context.Out.WriteAsync(context.Json ? CliJson.Serialize(job) + "\n" : JobDetails.Render(job)).ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
