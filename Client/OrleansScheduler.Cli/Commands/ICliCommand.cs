namespace OrleansScheduler.Cli.Commands;

/// <summary>One parsed command, ready to run against the scheduler.</summary>
internal interface ICliCommand
{
    /// <summary>Runs the command, writing its result to <see cref="CommandContext.Out"/>; returns the exit code.</summary>
    /// <remarks>Failures are thrown (job not found, conflict, validation); the caller maps them to exit codes.</remarks>
    Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken);
}
