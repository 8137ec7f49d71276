namespace OrleansScheduler.Errors;

/// <summary>A job with this id exists with another definition, and the caller did not ask for upsert.</summary>
[GenerateSerializer, Alias("errors.JobConflictException")]
public sealed class JobConflictException : Exception
{
    /// <summary>Creates the error for <paramref name="jobId"/>.</summary>
    public JobConflictException(string jobId)
        : base($"Job '{jobId}' already exists with a different definition; update it, delete it first, or create with upsert.") => JobId = jobId;

    /// <summary>The conflicting id.</summary>
    [Id(0)] public string JobId { get; }
}
