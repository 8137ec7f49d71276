namespace OrleansScheduler.Jobs;

/// <summary>What happens to occurrences that fell due while nothing could fire them (cluster down, job paused).</summary>
public enum MisfirePolicy
{
    /// <summary>Fire the most recent missed occurrence once, now, then continue on schedule. The default.</summary>
    FireOnceNow = 0,

    /// <summary>Fire every missed occurrence inside the silo's catch-up window, oldest first.</summary>
    FireAll = 1,

    /// <summary>Drop missed occurrences and continue with the next future one.</summary>
    Skip = 2,
}
