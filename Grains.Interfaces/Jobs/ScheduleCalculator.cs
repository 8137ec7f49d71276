using System.Collections.Concurrent;
using Cronos;
using OrleansScheduler.Errors;

namespace OrleansScheduler.Jobs;

/// <summary>
/// Turns a <see cref="ScheduleSpec"/> into a <see cref="CompiledSchedule"/>. Parse once, then ask the compiled
/// schedule for occurrences as often as needed.
/// </summary>
/// <remarks>
/// <see cref="Compile"/> checks only what it needs to compute occurrences (a parsable cron expression, a known zone,
/// a positive interval, a present instant). Policy limits such as the 10 ms minimum interval live in
/// <see cref="JobDefinitionValidator"/>, so that tightening a limit later never stops a stored job from loading.
/// </remarks>
public static class ScheduleCalculator
{
    private const string CronFormatPrefix = "The given cron expression has an invalid format. ";

    /// <summary>
    /// Parses <paramref name="spec"/>. Cron expressions with six fields have seconds first; five fields are the classic
    /// minute-first form; Cronos macros (<c>@hourly</c>, <c>@daily</c>, <c>@every_second</c>…) are accepted.
    /// A null time zone means UTC. Fields that belong to another kind are ignored here (the validator rejects them).
    /// </summary>
    /// <param name="spec">The schedule to compile.</param>
    /// <param name="createdAt">When the job was first created: anchors interval schedules without a start and delay schedules.
    /// Pass the original creation instant on updates so the phase does not shift.</param>
    /// <returns>The compiled schedule.</returns>
    /// <exception cref="JobValidationException">A field cannot be interpreted; <see cref="JobValidationException.Field"/>
    /// names it, e.g. <c>Schedule.CronExpression</c>.</exception>
    public static CompiledSchedule Compile(ScheduleSpec spec, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(spec);
        switch (spec.Kind)
        {
            case ScheduleKind.Cron:
                var cron = ParseCron(spec.CronExpression);
                return CompiledSchedule.ForCron(spec, cron, ResolveTimeZone(spec.TimeZone));

            case ScheduleKind.Interval:
                if (spec.Interval is not { } interval)
                    throw Invalid("Interval", "must be set for an Interval schedule, e.g. ScheduleSpec.Every(TimeSpan.FromSeconds(5))");
                if (interval <= TimeSpan.Zero)
                    throw Invalid("Interval", $"must be greater than zero (was {Durations.Format(interval)})");
                return CompiledSchedule.ForInterval(spec, spec.StartAt ?? createdAt, interval, anchorIsFirst: spec.StartAt is not null);

            case ScheduleKind.Once:
                if (spec.RunAt is not { } runAt)
                    throw Invalid("RunAt", "must be set for a Once schedule, e.g. ScheduleSpec.At(DateTimeOffset.UtcNow.AddMinutes(5))");
                return CompiledSchedule.ForSingle(spec, runAt);

            case ScheduleKind.Delay:
                if (spec.Delay is not { } delay)
                    throw Invalid("Delay", "must be set for a Delay schedule, e.g. ScheduleSpec.After(TimeSpan.FromMinutes(5))");
                if (delay < TimeSpan.Zero)
                    throw Invalid("Delay", $"must not be negative (was {Durations.Format(delay)})");
                if (delay.Ticks > DateTimeOffset.MaxValue.UtcTicks - createdAt.UtcTicks)
                    throw Invalid("Delay", $"is too long: {Durations.Format(delay)} after {createdAt:O} is past the year 9999; use a shorter delay");
                return CompiledSchedule.ForSingle(spec, createdAt + delay);

            default:
                throw Invalid("Kind", $"is {(int)spec.Kind}, which is not a schedule kind; use Cron, Interval, Once or Delay");
        }
    }

    /// <summary>
    /// Resolves an IANA (or Windows) time zone id; null means UTC.
    /// </summary>
    /// <param name="timeZone">The id, e.g. <c>Europe/London</c>; case-sensitive on Linux.</param>
    /// <returns>The zone.</returns>
    /// <exception cref="JobValidationException">The id is blank or unknown (field <c>Schedule.TimeZone</c>).</exception>
    public static TimeZoneInfo ResolveTimeZone(string? timeZone)
    {
        if (timeZone is null) return TimeZoneInfo.Utc;
        if (string.IsNullOrWhiteSpace(timeZone))
            throw Invalid("TimeZone", "must not be blank; leave it null for UTC or use an IANA id such as Europe/London");
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        }
        catch (TimeZoneNotFoundException)
        {
            throw Invalid("TimeZone", $"unknown time zone '{timeZone}'; use an IANA id such as Europe/London");
        }
        catch (InvalidTimeZoneException ex)
        {
            throw Invalid("TimeZone", $"time zone '{timeZone}' could not be loaded ({ex.Message}); use another IANA id such as Europe/London");
        }
    }

    // Parsed expressions by text: jobs share a handful of expressions, and a bulk creation would otherwise parse each
    // one three times per job (client check, batch check, schedule). Bounded: emptied when it grows past the limit.
    private const int MaxCachedCron = 4_096;
    private static readonly ConcurrentDictionary<string, CronExpression> ParsedCron = new(StringComparer.Ordinal);

    private static CronExpression ParseCron(string? expression)
    {
        if (expression is not null && ParsedCron.TryGetValue(expression, out var cached)) return cached;
        var parsed = ParseCronUncached(expression);
        if (ParsedCron.Count >= MaxCachedCron) ParsedCron.Clear();
        ParsedCron[expression!] = parsed;
        return parsed;
    }

    private static CronExpression ParseCronUncached(string? expression)
    {
        if (string.IsNullOrWhiteSpace(expression))
            throw Invalid("CronExpression", "must not be empty for a Cron schedule; use six fields with seconds ('*/5 * * * * *') or five ('0 * * * *')");

        var trimmed = expression.Trim();
        CronFormat format;
        if (trimmed.StartsWith('@'))
        {
            // Macros carry their own precision (@every_second has seconds); Cronos reads them in either format.
            format = CronFormat.Standard;
        }
        else
        {
            var fields = trimmed.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Length;
            format = fields switch
            {
                5 => CronFormat.Standard,
                6 => CronFormat.IncludeSeconds,
                _ => throw Invalid("CronExpression",
                    $"'{expression}' has {fields} fields; use 6 (second minute hour day-of-month month day-of-week) or 5 (without seconds)"),
            };
        }

        try
        {
            return CronExpression.Parse(trimmed, format);
        }
        catch (CronFormatException ex)
        {
            // Cronos names the offending field ("Minutes: Value must be a number between 0 and 59"); keep that part.
            var detail = ex.Message.StartsWith(CronFormatPrefix, StringComparison.Ordinal) ? ex.Message[CronFormatPrefix.Length..] : ex.Message;
            throw Invalid("CronExpression", $"'{expression}' is invalid: {detail}");
        }
    }

    private static JobValidationException Invalid(string field, string message) => new("Schedule." + field, message);
}
