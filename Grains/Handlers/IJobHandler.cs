namespace OrleansScheduler.Grains.Handlers;

/// <summary>
/// Runs executions of jobs that name it. Register with <c>AddJobHandler&lt;T&gt;("name")</c>; one instance serves
/// many executions concurrently, so keep it thread-safe.
/// </summary>
public interface IJobHandler
{
    /// <summary>Runs one attempt. Throwing fails it (and may retry); the token is cancelled at the job's timeout or at silo shutdown.</summary>
    Task ExecuteAsync(JobContext context, CancellationToken cancellationToken);
}
