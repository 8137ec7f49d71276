namespace OrleansScheduler.Jobs;

/// <summary>Where a job is in its life.</summary>
public enum JobStatus
{
    /// <summary>Armed: it fires at its next occurrence.</summary>
    Scheduled = 0,

    /// <summary>Paused by a caller (or created disabled); nothing fires until resumed.</summary>
    Paused = 1,

    /// <summary>No further occurrence: a one-shot that fired, an end bound or run cap reached.</summary>
    Completed = 2,
}
