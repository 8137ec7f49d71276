namespace OrleansScheduler.Jobs;

/// <summary>How a job's occurrences are computed.</summary>
public enum ScheduleKind
{
    /// <summary>A cron expression (with or without seconds) in a time zone.</summary>
    Cron = 0,

    /// <summary>A fixed interval, anchored at the start bound or at the job's creation.</summary>
    Interval = 1,

    /// <summary>One occurrence at an absolute instant.</summary>
    Once = 2,

    /// <summary>One occurrence a fixed delay after the job was created.</summary>
    Delay = 3,
}
