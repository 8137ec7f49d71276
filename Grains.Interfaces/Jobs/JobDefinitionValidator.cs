using System.Globalization;
using System.Text;
using OrleansScheduler.Errors;

namespace OrleansScheduler.Jobs;

/// <summary>
/// Checks a <see cref="JobDefinition"/> before it is stored. The first problem found is thrown as a
/// <see cref="JobValidationException"/> whose <see cref="JobValidationException.Field"/> is the property path
/// (<c>Retry.MaxAttempts</c>, <c>Schedule.Interval</c>) and whose message gives the value and the fix.
/// Whether the handler is registered is checked by the silo, not here.
/// </summary>
public static class JobDefinitionValidator
{
    /// <summary>Longest job id, in characters: 200.</summary>
    public const int MaxIdLength = 200;

    /// <summary>Longest handler name, in characters: 100.</summary>
    public const int MaxHandlerLength = 100;

    /// <summary>Largest payload, in bytes of UTF-8: 65536 (64 KiB).</summary>
    public const int MaxPayloadBytes = 65536;

    /// <summary>Lowest priority: -1000.</summary>
    public const int MinPriority = -1000;

    /// <summary>Highest priority: 1000.</summary>
    public const int MaxPriority = 1000;

    /// <summary>Most attempts a retry policy may allow, the first included: 100.</summary>
    public const int MaxRetryAttempts = 100;

    /// <summary>Smallest retry multiplier: 1 (constant backoff).</summary>
    public const double MinRetryMultiplier = 1;

    /// <summary>Largest retry multiplier: 10.</summary>
    public const double MaxRetryMultiplier = 10;

    /// <summary>Shortest handler timeout and retry backoff: 1 ms.</summary>
    public static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(1);

    /// <summary>Longest handler timeout and initial retry backoff: 24 h.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromHours(24);

    /// <summary>Shortest interval of an interval schedule: 10 ms.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>Longest interval of an interval schedule: 365 days.</summary>
    public static readonly TimeSpan MaxInterval = TimeSpan.FromDays(365);

    private const string IdChars = "letters, digits and . _ - : /";
    private const string HandlerChars = "letters, digits and . _ -";

    /// <summary>Throws the first problem in <paramref name="definition"/>, or returns when it is valid.</summary>
    /// <param name="definition">The definition to check.</param>
    /// <param name="now">The current instant; the creation time used to compile the schedule.</param>
    /// <exception cref="JobValidationException">A field is invalid; <see cref="JobValidationException.Field"/> names it.</exception>
    public static void Validate(JobDefinition definition, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ValidateId(definition.Id);
        ValidateName("Handler", definition.Handler, MaxHandlerLength, IsHandlerChar, HandlerChars,
            "must not be empty; name a registered handler such as 'log' or 'noop'");

        if (definition.Payload is { } payload && payload.Length > MaxPayloadBytes / 3)
        {
            // A char is at most 3 UTF-8 bytes, so only long payloads need counting.
            var bytes = Encoding.UTF8.GetByteCount(payload);
            if (bytes > MaxPayloadBytes)
                throw new JobValidationException("Payload", $"is {bytes} bytes of UTF-8; at most {MaxPayloadBytes} allowed. Store large data elsewhere and pass a reference");
        }

        if (definition.Priority is < MinPriority or > MaxPriority)
            throw new JobValidationException("Priority", $"is {definition.Priority}; must be between {MinPriority} and {MaxPriority}");
        CheckRange("Timeout", definition.Timeout, MinTimeout, MaxTimeout);
        ValidateRetry(definition.Retry);
        ValidateSchedule(definition.Schedule, now);
    }

    /// <summary>Throws unless <paramref name="id"/> is 1–200 ASCII letters, digits and <c>. _ - : /</c>.</summary>
    /// <param name="id">The job id to check.</param>
    /// <exception cref="JobValidationException">The id is empty, too long or has a forbidden character (field <c>Id</c>).</exception>
    public static void ValidateId(string? id) =>
        ValidateName("Id", id, MaxIdLength, IsIdChar, IdChars, "must not be empty");

    private static void ValidateRetry(RetryPolicy? retry)
    {
        if (retry is null)
            throw new JobValidationException("Retry", "must not be null; use RetryPolicy.None for a single attempt");
        if (retry.MaxAttempts is < 1 or > MaxRetryAttempts)
            throw new JobValidationException("Retry.MaxAttempts", $"is {retry.MaxAttempts}; must be between 1 (no retry) and {MaxRetryAttempts}");
        CheckRange("Retry.InitialBackoff", retry.InitialBackoff, MinTimeout, MaxTimeout);
        if (!(retry.Multiplier is >= MinRetryMultiplier and <= MaxRetryMultiplier))
            throw new JobValidationException("Retry.Multiplier",
                $"is {retry.Multiplier.ToString(CultureInfo.InvariantCulture)}; must be between {MinRetryMultiplier} (constant backoff) and {MaxRetryMultiplier}");
        if (retry.MaxBackoff < retry.InitialBackoff)
            throw new JobValidationException("Retry.MaxBackoff",
                $"is {Durations.Format(retry.MaxBackoff)}, less than InitialBackoff {Durations.Format(retry.InitialBackoff)}; raise it to at least InitialBackoff");
    }

    private static void ValidateSchedule(ScheduleSpec? schedule, DateTimeOffset now)
    {
        if (schedule is null)
            throw new JobValidationException("Schedule", "must be set; use ScheduleSpec.Cron, Every, At or After");
        var kind = schedule.Kind;
        if (!Enum.IsDefined(kind))
            throw new JobValidationException("Schedule.Kind", $"is {(int)kind}, which is not a schedule kind; use Cron, Interval, Once or Delay");

        RequireEmpty("Schedule.CronExpression", schedule.CronExpression, kind, ScheduleKind.Cron);
        RequireEmpty("Schedule.TimeZone", schedule.TimeZone, kind, ScheduleKind.Cron);
        RequireEmpty("Schedule.Interval", schedule.Interval is { } i ? Durations.Format(i) : null, kind, ScheduleKind.Interval);
        RequireEmpty("Schedule.RunAt", schedule.RunAt?.ToString("O", CultureInfo.InvariantCulture), kind, ScheduleKind.Once);
        RequireEmpty("Schedule.Delay", schedule.Delay is { } d ? Durations.Format(d) : null, kind, ScheduleKind.Delay);

        if (kind == ScheduleKind.Interval && schedule.Interval is { } interval)
        {
            if (interval < MinInterval)
                throw new JobValidationException("Schedule.Interval", $"must be at least {Durations.Format(MinInterval)} (was {Durations.Format(interval)})");
            if (interval > MaxInterval)
                throw new JobValidationException("Schedule.Interval", $"must be at most {Durations.Format(MaxInterval)} (was {Durations.Format(interval)}); use a cron schedule for rarer jobs");
        }

        if (kind == ScheduleKind.Delay && schedule.Delay is { } delay && delay <= TimeSpan.Zero)
            throw new JobValidationException("Schedule.Delay", $"must be greater than zero (was {Durations.Format(delay)}); trigger the job instead to run it now");

        if (schedule is { StartAt: { } start, EndAt: { } end } && end <= start)
            throw new JobValidationException("Schedule.EndAt", $"is {end:O}, not after StartAt {start:O}; set EndAt later than StartAt");
        if (schedule.MaxRuns is < 1)
            throw new JobValidationException("Schedule.MaxRuns", $"is {schedule.MaxRuns}; must be at least 1, or null for no limit");

        // Required fields, the cron expression and the time zone are checked by the compiler itself.
        var compiled = ScheduleCalculator.Compile(schedule, now);
        RequireSomeOccurrence(schedule, compiled);
    }

    // Only schedules that could never fire, whenever they were created, are rejected. The check ignores `now` on
    // purpose: re-sending a definition that was accepted once must be accepted again, so that creation stays idempotent.
    // A delay or an unanchored interval whose EndAt passes before its first run is therefore accepted and simply completes.
    private static void RequireSomeOccurrence(ScheduleSpec schedule, CompiledSchedule compiled)
    {
        switch (schedule.Kind)
        {
            case ScheduleKind.Once:
                var at = schedule.RunAt!.Value;
                if (schedule.StartAt is { } start && at < start)
                    throw new JobValidationException("Schedule.RunAt", $"is {at:O}, before StartAt {start:O}; move RunAt or StartAt");
                if (schedule.EndAt is { } end && at > end)
                    throw new JobValidationException("Schedule.RunAt", $"is {at:O}, after EndAt {end:O}; move RunAt or EndAt");
                return;

            case ScheduleKind.Cron when compiled.NextAtOrAfter(DateTimeOffset.MinValue) is null:
                var unbounded = ScheduleCalculator.Compile(schedule with { EndAt = null }, DateTimeOffset.MinValue);
                if (schedule.EndAt is { } endAt && unbounded.NextAtOrAfter(DateTimeOffset.MinValue) is { } first)
                    throw new JobValidationException("Schedule.EndAt", $"is {endAt:O}, before the first occurrence {first:O}; the job would never run. Move EndAt later");
                throw new JobValidationException("Schedule.CronExpression",
                    $"'{schedule.CronExpression}' never matches a date{(schedule.StartAt is { } from ? $" after StartAt {from:O}" : "")}; check the day-of-month and month fields");
        }
    }

    private static void RequireEmpty(string field, string? value, ScheduleKind kind, ScheduleKind owner)
    {
        if (kind != owner && value is not null)
            throw new JobValidationException(field, $"must be empty for {(kind == ScheduleKind.Interval ? "an" : "a")} {kind} schedule (was {value}); it only applies to {owner} schedules");
    }

    private static void CheckRange(string field, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
            throw new JobValidationException(field, $"is {Durations.Format(value)}; must be between {Durations.Format(min)} and {Durations.Format(max)}");
    }

    private static void ValidateName(string field, string? value, int maxLength, Func<char, bool> allowed, string allowedText, string emptyMessage)
    {
        if (string.IsNullOrEmpty(value))
            throw new JobValidationException(field, emptyMessage);
        if (value.Length > maxLength)
            throw new JobValidationException(field, $"is {value.Length} characters; at most {maxLength} allowed");
        for (var i = 0; i < value.Length; i++)
        {
            if (!allowed(value[i]))
                throw new JobValidationException(field, $"contains {Describe(value[i])} at position {i}; allowed: {allowedText}");
        }
    }

    private static bool IsIdChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or ':' or '/';

    private static bool IsHandlerChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';

    // Control and invisible characters would vanish from a log line, so they are shown as code points.
    private static string Describe(char c) =>
        char.IsControl(c) || (char.IsWhiteSpace(c) && c != ' ') || char.IsSurrogate(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Format
            ? $"U+{(int)c:X4}"
            : $"'{c}'";
}
