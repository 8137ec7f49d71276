using System.Globalization;
using OrleansScheduler.Execution;

namespace OrleansScheduler.Cli.Output;

/// <summary>One execution outcome on one line, as <c>watch</c> prints it.</summary>
internal static class OutcomeLine
{
    /// <summary>
    /// <c>2026-01-31 06:00:00.004Z  succeeded  nightly@2026-01-31T06:00:00.0000000Z  attempt 1  late 1.5ms  took 3.0ms</c>,
    /// then <c>  error: …</c> for a failure and <c>  final</c> when no retry follows a failure.
    /// </summary>
    public static string Render(ExecutionOutcome outcome)
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{TextFormat.Instant(outcome.FinishedAt)}  {TextFormat.Name(outcome.Status)}  {outcome.ExecutionId}  attempt {outcome.Attempt}  late {TextFormat.Millis(outcome.Lateness)}ms  took {TextFormat.Millis(outcome.FinishedAt - outcome.StartedAt)}ms");
        if (outcome.Error is not null) line += "  error: " + TextFormat.OneLine(outcome.Error, 200);
        if (outcome.Status != ExecutionStatus.Succeeded && outcome.IsFinal) line += "  final";
        return line;
    }
}
