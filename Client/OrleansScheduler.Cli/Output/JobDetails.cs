using System.Globalization;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Cli.Output;

/// <summary>The text of <c>show</c>: one aligned "name: value" line per property of the job.</summary>
internal static class JobDetails
{
    /// <summary>Every property a person asks about, in the order they ask.</summary>
    public static string Render(JobInfo job)
    {
        var definition = job.Definition;
        var schedule = definition.Schedule;
        var retry = definition.Retry;
        var lines = new List<(string Name, string Value)>
        {
            ("id", definition.Id),
            ("status", TextFormat.Name(job.Status)),
            ("schedule", schedule.ToString()),
            ("next due", TextFormat.Instant(job.NextDueAt)),
            ("handler", definition.Handler),
            ("payload", TextFormat.OneLine(definition.Payload, 200)),
            ("priority", Number(definition.Priority)),
            ("timeout", Durations.Format(definition.Timeout)),
            ("retry", retry.MaxAttempts <= 1
                ? "none"
                : $"{retry.MaxAttempts - 1} retries, backoff {Durations.Format(retry.InitialBackoff)} x{retry.Multiplier.ToString(CultureInfo.InvariantCulture)} up to {Durations.Format(retry.MaxBackoff)}"),
            ("misfire", TextFormat.Name(definition.Misfire)),
            ("start", TextFormat.Instant(schedule.StartAt)),
            ("end", TextFormat.Instant(schedule.EndAt)),
            ("max runs", schedule.MaxRuns is { } max ? Number(max) : TextFormat.None),
            ("version", Number(job.Version)),
            ("created", TextFormat.Instant(job.CreatedAt)),
            ("updated", TextFormat.Instant(job.UpdatedAt)),
            ("runs", $"{Number(job.DispatchedCount)} dispatched, {Number(job.SucceededCount)} succeeded, {Number(job.FailedCount)} failed"),
            ("last outcome", job.LastOutcome is { } last ? OutcomeLine.Render(last) : TextFormat.None),
        };

        var width = lines.Max(static l => l.Name.Length) + 1;
        return string.Concat(lines.Select(l => (l.Name + ":").PadRight(width) + " " + l.Value + "\n"));
    }

    /// <summary>One line after a change: <c>nightly  paused  every 5s  next due -</c>.</summary>
    public static string Brief(JobInfo job) =>
        $"{job.Definition.Id}  {TextFormat.Name(job.Status)}  {job.Definition.Schedule}  next due {TextFormat.Instant(job.NextDueAt)}\n";

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
