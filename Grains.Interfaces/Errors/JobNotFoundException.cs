namespace OrleansScheduler.Errors;

/// <summary>No job has this id.</summary>
[GenerateSerializer, Alias("errors.JobNotFoundException")]
public sealed class JobNotFoundException : Exception
{
    /// <summary>Creates the error for <paramref name="jobId"/>.</summary>
    public JobNotFoundException(string jobId) : base($"Job '{jobId}' does not exist.") => JobId = jobId;

    /// <summary>The id that was looked up.</summary>
    [Id(0)] public string JobId { get; }
}
