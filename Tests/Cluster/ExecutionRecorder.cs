using System.Collections.Concurrent;
using OrleansScheduler.Grains.Handlers;

namespace OrleansScheduler.Tests.Cluster;

/// <summary>What a test handler saw of one attempt.</summary>
public sealed record RecordedExecution(string JobId, string ExecutionId, DateTimeOffset ScheduledAt, DateTimeOffset StartedAt, int Attempt, string? Payload, long JobVersion);

/// <summary>
/// Collects the attempts the test handlers ran, across every silo of the in-process cluster (one instance is
/// registered in all of them). Tests poll it for a condition with a generous deadline.
/// </summary>
public sealed class ExecutionRecorder
{
    private readonly ConcurrentQueue<RecordedExecution> _records = new();

    public void Add(JobContext context) => _records.Enqueue(new RecordedExecution(
        context.JobId, context.ExecutionId, context.ScheduledAt, context.StartedAt, context.Attempt, context.Payload, context.Execution.JobVersion));

    public IReadOnlyList<RecordedExecution> For(string jobId) => _records.Where(r => r.JobId == jobId).OrderBy(r => r.StartedAt).ToList();

    /// <summary>Polls until the records of <paramref name="jobId"/> satisfy <paramref name="condition"/>, then returns them.</summary>
    public async Task<IReadOnlyList<RecordedExecution>> WaitForAsync(string jobId, Func<IReadOnlyList<RecordedExecution>, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var records = For(jobId);
            if (condition(records)) return records;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Job {jobId}: condition not met within {timeout ?? TimeSpan.FromSeconds(20)}; {records.Count} executions recorded: "
                    + string.Join(", ", records.Select(r => $"{r.ExecutionId}#{r.Attempt}")));
            await Task.Delay(20);
        }
    }

    /// <summary>Waits for at least <paramref name="count"/> executions of <paramref name="jobId"/>.</summary>
    public Task<IReadOnlyList<RecordedExecution>> WaitForCountAsync(string jobId, int count, TimeSpan? timeout = null) =>
        WaitForAsync(jobId, r => r.Count >= count, timeout);
}

/// <summary><c>record</c>: records and succeeds.</summary>
public sealed class RecordingHandler(ExecutionRecorder recorder) : IJobHandler
{
    public Task ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        recorder.Add(context);
        return Task.CompletedTask;
    }
}

/// <summary><c>fail</c>: records, then throws.</summary>
public sealed class FailingHandler(ExecutionRecorder recorder) : IJobHandler
{
    public Task ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        recorder.Add(context);
        throw new InvalidOperationException($"boom on attempt {context.Attempt}");
    }
}

/// <summary><c>hang</c>: records, then waits for its token forever.</summary>
public sealed class HangingHandler(ExecutionRecorder recorder) : IJobHandler
{
    public async Task ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        recorder.Add(context);
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }
}
