using OrleansScheduler.Execution;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Cli.Output;

/// <summary>The text tables of <c>list</c> and <c>history</c>.</summary>
internal static class JobTables
{
    /// <summary>Longest error text shown in a history row; <c>--json</c> has it whole.</summary>
    public const int MaxErrorWidth = 60;

    /// <summary>One row per job: ID, STATUS, HANDLER, SCHEDULE, UPDATED.</summary>
    public static string Jobs(IEnumerable<JobSummary> jobs)
    {
        var table = new TextTable("ID", "STATUS", "HANDLER", "SCHEDULE", "UPDATED");
        foreach (var job in jobs)
            table.Add(job.Id, TextFormat.Name(job.Status), job.Handler, job.Schedule, TextFormat.Instant(job.UpdatedAt));
        return table.ToString();
    }

    /// <summary>One row per attempt: EXECUTION ID, ATTEMPT, STATUS, STARTED, LATE(ms), DURATION(ms), ERROR.</summary>
    public static string History(IEnumerable<ExecutionOutcome> outcomes)
    {
        var table = new TextTable("EXECUTION ID", "ATTEMPT>", "STATUS", "STARTED", "LATE(ms)>", "DURATION(ms)>", "ERROR");
        foreach (var outcome in outcomes)
        {
            table.Add(
                outcome.ExecutionId,
                outcome.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture),
                TextFormat.Name(outcome.Status),
                TextFormat.Instant(outcome.StartedAt),
                TextFormat.Millis(outcome.Lateness),
                TextFormat.Millis(outcome.FinishedAt - outcome.StartedAt),
                TextFormat.OneLine(outcome.Error, MaxErrorWidth));
        }

        return table.ToString();
    }
}
