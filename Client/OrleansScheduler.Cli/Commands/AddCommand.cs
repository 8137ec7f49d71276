using OrleansScheduler.Cli.Output;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Cli.Commands;

/// <summary><c>add &lt;id&gt; …</c>: creates a job (idempotent for the same definition; <c>--upsert</c> replaces another one).</summary>
internal sealed record AddCommand(string Id, JobSettings Settings, bool Upsert) : ICliCommand
{
    /// <summary>What <c>add --json</c> prints.</summary>
    public sealed record JsonResult(CreateJobResult Result, JobInfo? Job);

    public async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var definition = Settings.Create(Id);
        var result = await context.Scheduler.CreateAsync(definition, Upsert, cancellationToken).ConfigureAwait(false);
        var job = await context.Scheduler.GetAsync(Id, cancellationToken).ConfigureAwait(false);
        if (context.Json)
        {
            await context.Out.WriteLineAsync(CliJson.Serialize(new JsonResult(result, job))).ConfigureAwait(false);
        }
        else
        {
            await context.Out.WriteAsync($"{TextFormat.Name(result)}: ").ConfigureAwait(false);
            await context.Out.WriteAsync(job is null ? Id + "\n" : JobDetails.Brief(job)).ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }
}
