namespace OrleansScheduler.Execution;

/// <summary>How an attempt ended.</summary>
public enum ExecutionStatus
{
    /// <summary>The handler returned normally.</summary>
    Succeeded = 0,

    /// <summary>The handler threw.</summary>
    Failed = 1,

    /// <summary>The handler did not finish within the job's timeout; its token was cancelled.</summary>
    TimedOut = 2,

    /// <summary>No handler of that name is registered on the silo that got it.</summary>
    HandlerNotFound = 3,

    /// <summary>The silo shut down while the handler ran.</summary>
    Aborted = 4,
}
