using OrleansScheduler.Cli.Commands;

namespace OrleansScheduler.Cli.Parsing;

/// <summary>A parsed command line: where the cluster is, how to print, and what to do.</summary>
internal sealed record CliInvocation(GlobalOptions Globals, ICliCommand Command);
