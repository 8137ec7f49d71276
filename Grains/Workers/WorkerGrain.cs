using Microsoft.Extensions.Logging;
using Orleans.Storage;
using Orleans.Streams;
using Orleans.Streams.Core;
using OrleansScheduler.Execution;

namespace OrleansScheduler.Grains.Workers;

/// <summary>
/// One worker partition. Subscribed implicitly to its execution stream, it passes each execution to its silo's
/// <see cref="ExecutionRunner"/>, which holds it in the timing wheel until due. It stays active so that revocations
/// for the partition reach the silo that holds its executions. Every second it stores how far each of its leases has
/// finished (its ledger), so that after its silo dies the partition's next activation runs none of that again.
/// </summary>
[ImplicitStreamSubscription(StreamNames.Executions)]
[KeepAlive]
public sealed partial class WorkerGrain(
    ExecutionRunner runner,
    [PersistentState("ledger", StorageNames.Jobs)] IPersistentState<LeaseLedgerState> ledger,
    IClusterMembershipService membership,
    ILocalSiloDetails localSilo,
    Failover.LocalJobs localJobs,
    ILogger<WorkerGrain> logger) : Grain, IWorkerGrain, IStreamSubscriptionObserver, IAsyncObserver<ExecutionBatch>
{
    private static readonly TimeSpan LedgerInterval = TimeSpan.FromSeconds(1);
    // Packs the ledger every round into the same buffer; a write copies it out only when it changed.
    private readonly LeaseLedger.Writer _packer = new();

    private int Partition => (int)this.GetPrimaryKeyLong();

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The jobs that held leases of this partition lately are woken (a no-op for those that are active): a job that died
        // with the partition's last worker has no lease to run out and call it, and its own safety net is then only its
        // registry record. A cluster starting again wakes them this way too.
        foreach (var jobId in runner.RestoreLedger(Partition, ledger.State.Packed)) localJobs.WakeSoon(jobId);
        this.RegisterGrainTimer(WriteLedgerAsync, new GrainTimerCreationOptions { DueTime = LedgerInterval, Period = LedgerInterval });
        return Task.CompletedTask;
    }

    private async Task WriteLedgerAsync(CancellationToken cancellationToken)
    {
        runner.PackLedger(Partition, _packer);
        var packed = _packer.Written;
        if (ledger.State.Packed is { } stored ? stored.AsSpan().SequenceEqual(packed) : LeaseLedger.IsEmpty(packed)) return;
        try
        {
            ledger.State.Packed = packed.ToArray();
            await ledger.WriteStateAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            // The next round tries again; after another activation wrote, this one reads the ETag first.
            LogLedgerWriteFailed(logger, ex, Partition);
            if (ex is InconsistentStateException) await ledger.ReadStateAsync(cancellationToken);
        }
    }
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
    public Task<LeaseReport?> LeaseAsync(JobLease lease) => Task.FromResult(runner.Grant(lease));

    /// <inheritdoc />
    public Task<LeaseReport?> CollectAsync(string jobId) => Task.FromResult(runner.Collect(jobId));

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Another activation of this partition will hold its leases: the jobs grant them again there. Also when this
        // silo is stopping, as long as another silo is up: a job that granted again to this activation while the silo
        // was already stopping (its own silo changed, or its activation moved here from the stopping silo) believes its
        // lease held, and would not grant again before its renewal, a minute or more later (its occurrences missed).
        // The last silo stopping has no silo to send reports or grants to: the ledger stores how far each lease finished
        // instead, and the jobs resume from it when the cluster starts again.
        var toJobs = reason.ReasonCode != DeactivationReasonCode.ShuttingDown || OthersActive();
        if (!toJobs) await WriteLedgerAsync(cancellationToken);
        runner.DropLeases(Partition, toJobs);
    }

    private bool OthersActive() =>
        membership.CurrentSnapshot.Members.Values.Any(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(localSilo.SiloAddress));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {Partition}: storing the lease ledger failed")]
    private static partial void LogLedgerWriteFailed(ILogger logger, Exception exception, int partition);

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
