using OrleansScheduler.Cli.Parsing;

namespace OrleansScheduler.Cli.Commands;

/// <summary><c>help [&lt;command&gt;]</c>: usage of the CLI or of one command. Needs no cluster.</summary>
internal sealed record HelpCommand(string? Topic) : ICliCommand
{
    public async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        await context.Out.WriteAsync(HelpText.For(Topic)).ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
