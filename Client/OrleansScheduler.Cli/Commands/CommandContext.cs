using OrleansScheduler.Client;

namespace OrleansScheduler.Cli.Commands;

/// <summary>What a command runs with.</summary>
/// <param name="Scheduler">The scheduler to act on.</param>
/// <param name="In">Standard input, for <c>import -</c>.</param>
/// <param name="Out">Where results go (stdout).</param>
/// <param name="Error">Where progress notes for people go (stderr), so they never mix with results.</param>
/// <param name="Json">Print JSON instead of text.</param>
/// <param name="Time">Clock for durations such as <c>watch --for</c>.</param>
internal sealed record CommandContext(IJobScheduler Scheduler, TextReader In, TextWriter Out, TextWriter Error, bool Json, TimeProvider Time);
