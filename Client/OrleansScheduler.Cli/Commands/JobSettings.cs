using OrleansScheduler.Jobs;

namespace OrleansScheduler.Cli.Commands;

/// <summary>
/// The job options of <c>add</c> and <c>update</c>; null means "not given". <c>add</c> builds a definition from them
/// over the definition defaults; <c>update</c> lays them over the current definition, so unspecified ones keep their values.
/// </summary>
internal sealed record JobSettings
{
    /// <summary>A new schedule from <c>--cron</c>/<c>--tz</c>, <c>--every</c>, <c>--at</c> or <c>--in</c>, without bounds.</summary>
    public ScheduleSpec? Schedule { get; init; }

    /// <summary><c>--tz</c> given without <c>--cron</c> (update only): a new zone for the current cron schedule.</summary>
    public string? TimeZone { get; init; }

    /// <summary><c>--handler</c>.</summary>
    public string? Handler { get; init; }

    /// <summary><c>--payload</c>.</summary>
    public string? Payload { get; init; }

    /// <summary><c>--priority</c>.</summary>
    public int? Priority { get; init; }

    /// <summary><c>--timeout</c>.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary><c>--retries</c>: retries after the first attempt (MaxAttempts = retries + 1).</summary>
    public int? Retries { get; init; }

    /// <summary><c>--backoff</c>: wait before the first retry.</summary>
    public TimeSpan? Backoff { get; init; }

    /// <summary><c>--start</c>.</summary>
    public DateTimeOffset? StartAt { get; init; }

    /// <summary><c>--end</c>.</summary>
    public DateTimeOffset? EndAt { get; init; }

    /// <summary><c>--max-runs</c>.</summary>
    public long? MaxRuns { get; init; }

    /// <summary><c>--misfire</c>.</summary>
    public MisfirePolicy? Misfire { get; init; }

    /// <summary><c>--paused</c>: create (or keep) the job disabled.</summary>
    public bool Paused { get; init; }

    /// <summary>A new definition with id <paramref name="id"/>; <see cref="Schedule"/> and <see cref="Handler"/> must be set.</summary>
    public JobDefinition Create(string id)
    {
        var defaults = new JobDefinition { Id = id, Schedule = Schedule!, Handler = Handler! };
        return ApplyTo(defaults);
    }

    /// <summary><paramref name="current"/> with every given setting replaced.</summary>
    public JobDefinition ApplyTo(JobDefinition current)
    {
        var schedule = Schedule is { } fresh
            ? fresh with { StartAt = current.Schedule.StartAt, EndAt = current.Schedule.EndAt, MaxRuns = current.Schedule.MaxRuns }
            : current.Schedule;
        if (TimeZone is not null) schedule = schedule with { TimeZone = TimeZone };
        schedule = schedule with
        {
            StartAt = StartAt ?? schedule.StartAt,
            EndAt = EndAt ?? schedule.EndAt,
            MaxRuns = MaxRuns ?? schedule.MaxRuns,
        };

        var retry = current.Retry;
        if (Retries is { } retries) retry = retry with { MaxAttempts = retries + 1 };
        if (Backoff is { } backoff) retry = retry with { InitialBackoff = backoff, MaxBackoff = backoff > retry.MaxBackoff ? backoff : retry.MaxBackoff };

        return current with
        {
            Schedule = schedule,
            Handler = Handler ?? current.Handler,
            Payload = Payload ?? current.Payload,
            Priority = Priority ?? current.Priority,
            Timeout = Timeout ?? current.Timeout,
            Retry = retry,
            Misfire = Misfire ?? current.Misfire,
            Enabled = !Paused && current.Enabled,
        };
    }
}
