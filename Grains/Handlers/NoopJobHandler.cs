namespace OrleansScheduler.Grains.Handlers;

/// <summary>The built-in <c>noop</c> handler: does nothing and succeeds. Useful for load tests.</summary>
public sealed class NoopJobHandler : IJobHandler
{
    /// <summary>The name it is registered under.</summary>
    public const string Name = "noop";

    /// <inheritdoc />
    public Task ExecuteAsync(JobContext context, CancellationToken cancellationToken) => Task.CompletedTask;
}
