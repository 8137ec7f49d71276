using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Storage;
using OrleansScheduler.Errors;
using OrleansScheduler.Grains.Handlers;
using OrleansScheduler.Grains.Hosting;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Grains.Jobs;

/// <summary>
/// Bulk creation. A job whose first dispatch is beyond the near horizon needs nothing in memory until then, so its state
/// is written straight to the store under its job grain's key (insert-only: the write carries no ETag, so it fails if the
/// job exists or an activation created it meanwhile) and it is entered in the wake index and the listing per bucket in
/// one call each. Nothing is activated, no reminder or timer is registered. Everything else (near, paused, already
/// existing, upsert of an existing job) goes through the job grain like a single create.
/// </summary>
[StatelessWorker, Reentrant]
public sealed partial class JobBatchGrain(
    IServiceProvider services,
    IOptions<SchedulerOptions> options,
    TimeProvider time,
    HandlerCatalog handlers,
    ILogger<JobBatchGrain> logger) : Grain, IJobBatchGrain
{
    private const int Parallelism = 64;
    private const string JobStateName = "job"; // JobGrain's [PersistentState("job", …)]
    private readonly SchedulerOptions _options = options.Value;
    private readonly IGrainStorage _storage = services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Jobs);
    private JobGrainReferences? _jobs;

    private JobGrainReferences Jobs => _jobs ??= new JobGrainReferences(GrainFactory);

    /// <inheritdoc />
    public async Task<BulkCreateItem[]> CreateManyAsync(JobDefinition[] definitions, bool upsert)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        if (definitions.Length > IJobBatchGrain.MaxBatch)
            throw new JobValidationException("Definitions", $"{definitions.Length} in one batch; at most {IJobBatchGrain.MaxBatch}");
        var now = time.GetUtcNow();
        var results = new BulkCreateItem[definitions.Length];
        var far = new List<(int Index, JobState State, DateTimeOffset WakeAt)>();
        var viaGrain = new List<int>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < definitions.Length; i++)
        {
            var definition = definitions[i];
            try
            {
                if (definition is null) throw new JobValidationException("Definition", "must not be null");
                JobGrain.Validate(definition, now, handlers);
                if (!ids.Add(definition.Id)) throw new JobValidationException(nameof(JobDefinition.Id), $"'{definition.Id}' appears more than once in this batch.");
            }
            catch (JobValidationException ex)
            {
                results[i] = new BulkCreateItem(definition?.Id ?? "", null, ex.Message);
                continue;
            }
            var state = JobGrain.NewState(definition, now);
            var next = state.Status == JobStatus.Scheduled ? ScheduleCalculator.Compile(definition.Schedule, now).NextAfter(state.DispatchedThrough) : null;
            if (next is { } due && JobGrain.FarWakeAt(due - _options.DispatchLead, now, _options) is { } wakeAt) far.Add((i, state, wakeAt));
            else viaGrain.Add(i);
        }

        // Far jobs: insert-only writes; an id that exists already takes the job grain's path (unchanged, conflict, upsert).
        var stored = new bool[far.Count];
        await ForEachAsync(Enumerable.Range(0, far.Count), async k =>
        {
            var (index, state, _) = far[k];
            try
            {
                await _storage.WriteStateAsync(JobStateName, Jobs.GrainIdOf(state.Definition!.Id), new GrainState<JobState>(state));
                stored[k] = true;
            }
            catch (InconsistentStateException)
            {
                lock (viaGrain) viaGrain.Add(index);
            }
            catch (Exception ex)
            {
                LogStoreFailed(logger, ex, state.Definition!.Id);
                results[index] = new BulkCreateItem(state.Definition.Id, null, $"could not be stored: {ex.Message}");
            }
        });
        var created = far.Where((_, k) => stored[k]).ToList();
        await Task.WhenAll(
            Task.WhenAll(created.GroupBy(f => JobWakeIndex.BucketOf(f.State.Definition!.Id)).Select(bucket =>
                GrainFactory.GetGrain<IJobWakeIndexGrain>(bucket.Key).SetManyAsync([.. bucket.Select(f => new JobWake(f.State.Definition!.Id, f.WakeAt))]))),
            Task.WhenAll(created.GroupBy(f => JobIndex.ShardOf(f.State.Definition!.Id)).Select(shard =>
                GrainFactory.GetGrain<IJobIndexGrain>(shard.Key).UpsertManyAsync([.. shard.Select(f => JobGrain.Summary(f.State))]))));
        foreach (var (index, state, _) in created)
        {
            results[index] = new BulkCreateItem(state.Definition!.Id, CreateJobResult.Created, null);
            LogCreated(logger, state.Definition.Id);
        }

        await ForEachAsync(viaGrain, async index =>
        {
            var definition = definitions[index];
            try
            {
                results[index] = new BulkCreateItem(definition.Id, await Jobs.Job(definition.Id).CreateAsync(definition, upsert), null);
            }
            catch (Exception ex) when (ex is JobValidationException or JobConflictException)
            {
                results[index] = new BulkCreateItem(definition.Id, null, ex.Message);
            }
        });
        return results;
    }

    // Runs the calls on this activation, at most Parallelism at once (continuations stay on the grain's scheduler).
    private static async Task ForEachAsync<T>(IEnumerable<T> items, Func<T, Task> call)
    {
        foreach (var chunk in items.Chunk(Parallelism)) await Task.WhenAll(chunk.Select(call));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job {JobId} created in bulk (far: stored, in the wake index)")]
    private static partial void LogCreated(ILogger logger, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bulk creation could not store job {JobId}")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, string jobId);
}
