using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Orleans.Runtime;
using Orleans.Streams;
using OrleansScheduler.Execution;
using OrleansScheduler.Grains;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Client;

/// <summary>
/// <see cref="IJobScheduler"/> over an Orleans client: each job is its <see cref="IJobGrain"/> (key = job id), the
/// listing is the merge of every <see cref="IJobIndexGrain"/> shard, and live events come from the events stream.
/// </summary>
public sealed class JobScheduler : IJobScheduler
{
    // A watcher that stops reading holds up only its own subscription; the stream callback waits for room.
    private const int WatchBufferCapacity = 10_000;
    private const int BulkBatchesInFlight = 16;

    private readonly IClusterClient _client;
    private readonly TimeProvider _time;
    private readonly JobGrainReferences _jobs;

    /// <summary>Creates the scheduler facade over a connected <paramref name="client"/>.</summary>
    /// <param name="client">The Orleans client; its connection is owned by the host.</param>
    /// <param name="time">Clock used to validate definitions (start and end bounds). Default <see cref="TimeProvider.System"/>.</param>
    public JobScheduler(IClusterClient client, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _jobs = new JobGrainReferences(client);
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public Task<CreateJobResult> CreateAsync(JobDefinition definition, bool upsert = false, CancellationToken cancellationToken = default)
    {
        RequestChecks.Definition(definition, _time.GetUtcNow());
        return Job(definition.Id).CreateAsync(definition, upsert).WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<BulkCreateResult> CreateManyAsync(IEnumerable<JobDefinition> definitions, bool upsert = false, IProgress<int>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var now = _time.GetUtcNow();
        var failed = new List<BulkCreateItem>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var valid = new List<JobDefinition>();
        var total = 0;
        foreach (var definition in definitions)
        {
            total++;
            try
            {
                RequestChecks.Definition(definition, now);
            }
            catch (Errors.JobValidationException ex)
            {
                failed.Add(new BulkCreateItem(definition?.Id ?? "", null, ex.Message));
                continue;
            }
            if (!ids.Add(definition.Id)) failed.Add(new BulkCreateItem(definition.Id, null, $"the id '{definition.Id}' appears more than once in this request."));
            else valid.Add(definition);
        }

        int created = 0, unchanged = 0, updated = 0, handled = total - valid.Count;
        var batcher = _client.GetGrain<IJobBatchGrain>(0);
        // Several batches in flight keep the batch grains busy (each waits on the store and the index) without flooding the cluster.
        await Parallel.ForEachAsync(valid.Chunk(IJobBatchGrain.MaxBatch),
            new ParallelOptions { MaxDegreeOfParallelism = BulkBatchesInFlight, CancellationToken = cancellationToken },
            async (batch, ct) =>
            {
                var results = await batcher.CreateManyAsync(batch, upsert).WaitAsync(ct);
                lock (failed)
                {
                    foreach (var item in results)
                    {
                        switch (item.Result)
                        {
                            case CreateJobResult.Created: created++; break;
                            case CreateJobResult.Unchanged: unchanged++; break;
                            case CreateJobResult.Updated: updated++; break;
                            default: failed.Add(item); break;
                        }
                    }
                    handled += batch.Length;
                    progress?.Report(handled);
                }
            });
        return new BulkCreateResult { Total = total, Created = created, Unchanged = unchanged, Updated = updated, Failed = failed };
    }

    /// <inheritdoc />
    public Task<JobInfo?> GetAsync(string jobId, CancellationToken cancellationToken = default)
    {
        RequestChecks.JobId(jobId);
        return Job(jobId).GetAsync().WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<JobPage> ListAsync(JobQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new JobQuery();
        RequestChecks.Query(query);
        var shardQuery = query with { Limit = JobPageMerger.ShardLimit(query.Limit) };
        var calls = new Task<IReadOnlyList<JobSummary>>[JobIndex.ShardCount];
        for (var shard = 0; shard < calls.Length; shard++)
            calls[shard] = _client.GetGrain<IJobIndexGrain>(shard).QueryAsync(shardQuery);
        var shards = await Task.WhenAll(calls).WaitAsync(cancellationToken).ConfigureAwait(false);
        return JobPageMerger.Merge(shards, query.Limit, shardQuery.Limit);
    }

    /// <inheritdoc />
    public Task<JobInfo> UpdateAsync(JobDefinition definition, CancellationToken cancellationToken = default)
    {
        RequestChecks.Definition(definition, _time.GetUtcNow());
        return Job(definition.Id).UpdateAsync(definition).WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task<JobInfo> PauseAsync(string jobId, CancellationToken cancellationToken = default)
    {
        RequestChecks.JobId(jobId);
        return Job(jobId).PauseAsync().WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task<JobInfo> ResumeAsync(string jobId, CancellationToken cancellationToken = default)
    {
        RequestChecks.JobId(jobId);
        return Job(jobId).ResumeAsync().WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task<string> TriggerAsync(string jobId, CancellationToken cancellationToken = default)
    {
        RequestChecks.JobId(jobId);
        return Job(jobId).TriggerAsync().WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string jobId, CancellationToken cancellationToken = default)
    {
        RequestChecks.JobId(jobId);
        return Job(jobId).DeleteAsync().WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ExecutionOutcome>> GetHistoryAsync(string jobId, int limit = 50, CancellationToken cancellationToken = default)
    {
        RequestChecks.JobId(jobId);
        RequestChecks.HistoryLimit(limit);
        return Job(jobId).GetHistoryAsync(limit).WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ExecutionOutcome> WatchAsync(string? jobId = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (jobId is not null) RequestChecks.JobId(jobId);
        var buffer = Channel.CreateBounded<ExecutionOutcome>(new BoundedChannelOptions(WatchBufferCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var stream = _client.GetStreamProvider(StreamNames.Provider)
            .GetStream<ExecutionEventBatch>(StreamId.Create(StreamNames.Events, StreamNames.EventsKey));
        var handle = await stream.SubscribeAsync(
                (batch, _) => OnEventsAsync(buffer.Writer, batch, jobId),
                error => Complete(buffer.Writer, error),
                () => Complete(buffer.Writer, null))
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await foreach (var outcome in buffer.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                yield return outcome;
        }
        finally
        {
            buffer.Writer.TryComplete();
            // Not the caller's token: it may be the very reason we are here, and the subscription must still go.
            await handle.UnsubscribeAsync().ConfigureAwait(false);
        }
    }

    private IJobGrain Job(string jobId) => _jobs.Job(jobId);

    private static async Task OnEventsAsync(ChannelWriter<ExecutionOutcome> writer, ExecutionEventBatch batch, string? jobId)
    {
        try
        {
            foreach (var outcome in batch.Items)
            {
                if (jobId is not null && !string.Equals(outcome.JobId, jobId, StringComparison.Ordinal)) continue;
                await writer.WriteAsync(outcome).ConfigureAwait(false);
            }
        }
        catch (ChannelClosedException)
        {
            // The enumeration ended while this event was in flight; it has no reader any more.
        }
    }

    private static Task Complete(ChannelWriter<ExecutionOutcome> writer, Exception? error)
    {
        writer.TryComplete(error);
        return Task.CompletedTask;
    }
}
