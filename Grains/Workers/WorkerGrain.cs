using Orleans.Streams;
using Orleans.Streams.Core;
using OrleansScheduler.Execution;

namespace OrleansScheduler.Grains.Workers;

/// <summary>
/// One worker partition. Subscribed implicitly to its execution stream, it passes each execution to its silo's
/// <see cref="ExecutionRunner"/>, which holds it in the timing wheel until due. It stays active so that revocations
/// for the partition reach the silo that holds its executions.
/// </summary>
[ImplicitStreamSubscription(StreamNames.Executions)]
[KeepAlive]
public sealed class WorkerGrain(ExecutionRunner runner) : Grain, IWorkerGrain, IStreamSubscriptionObserver, IAsyncObserver<ExecutionBatch>
{
    /// <inheritdoc />
    public Task DeliverAsync(ExecutionBatch batch)
    {
        Accept(batch);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task RevokeAsync(string jobId, long minVersion)
    {
        runner.Revoke(jobId, minVersion);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task LeaseAsync(JobLease lease)
    {
        runner.Grant(lease);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<LeaseReport?> CollectAsync(string jobId) => Task.FromResult(runner.Collect(jobId));

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Another activation of this partition will hold its leases: the jobs grant them again there.
        runner.DropLeases((int)this.GetPrimaryKeyLong());
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<ExecutionBatch>().ResumeAsync(this);

    /// <inheritdoc />
    public Task OnNextAsync(ExecutionBatch item, StreamSequenceToken? token = null)
    {
        runner.AcceptFromStream(item);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task OnCompletedAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    private void Accept(ExecutionBatch batch)
    {
        foreach (var execution in batch.Items) runner.AcceptDelivered(execution);
    }
}
