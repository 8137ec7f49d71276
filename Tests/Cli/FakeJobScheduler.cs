using System.Runtime.CompilerServices;
using System.Threading.Channels;
using OrleansScheduler.Client;
using OrleansScheduler.Errors;
using OrleansScheduler.Execution;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Tests.Cli;

/// <summary>An in-memory <see cref="IJobScheduler"/> that records calls, for running CLI commands without a cluster.</summary>
internal sealed class FakeJobScheduler : IJobScheduler
{
    private static readonly DateTimeOffset Now = new(2026, 1, 31, 6, 0, 0, TimeSpan.Zero);

    public Dictionary<string, JobInfo> Jobs { get; } = new(StringComparer.Ordinal);

    public List<string> Calls { get; } = [];

    public JobQuery? LastQuery { get; private set; }

    /// <summary>Events handed to watchers; complete it to end their enumeration.</summary>
    public Channel<ExecutionOutcome> Events { get; } = Channel.CreateUnbounded<ExecutionOutcome>();

    public TaskCompletionSource WatchStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<CreateJobResult> CreateAsync(JobDefinition definition, bool upsert = false, CancellationToken cancellationToken = default)
    {
        Calls.Add($"create {definition.Id} upsert={upsert}");
        if (Jobs.TryGetValue(definition.Id, out var existing))
        {
            if (existing.Definition == definition) return Task.FromResult(CreateJobResult.Unchanged);
            if (!upsert) throw new JobConflictException(definition.Id);
            Jobs[definition.Id] = existing with { Definition = definition };
            return Task.FromResult(CreateJobResult.Updated);
        }

        Jobs[definition.Id] = new JobInfo { Definition = definition, CreatedAt = Now, UpdatedAt = Now, Status = definition.Enabled ? JobStatus.Scheduled : JobStatus.Paused };
        return Task.FromResult(CreateJobResult.Created);
    }

    /// <summary>Like the real client: invalid definitions, conflicts and repeated ids are reported, the rest created; progress after each.</summary>
    public async Task<BulkCreateResult> CreateManyAsync(IEnumerable<JobDefinition> definitions, bool upsert = false, IProgress<int>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var all = definitions.ToList();
        Calls.Add($"create-many {all.Count} upsert={upsert}");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var failed = new List<BulkCreateItem>();
        int created = 0, unchanged = 0, updated = 0;
        for (var i = 0; i < all.Count; i++)
        {
            var definition = all[i];
            try
            {
                JobDefinitionValidator.Validate(definition, Now);
                if (!ids.Add(definition.Id)) throw new JobValidationException("Id", $"'{definition.Id}' appears more than once in this request");
                switch (await CreateAsync(definition, upsert, cancellationToken))
                {
                    case CreateJobResult.Created: created++; break;
                    case CreateJobResult.Unchanged: unchanged++; break;
                    case CreateJobResult.Updated: updated++; break;
                }
            }
            catch (Exception e) when (e is JobValidationException or JobConflictException)
            {
                failed.Add(new BulkCreateItem(definition.Id, null, e.Message));
            }

            progress?.Report(i + 1);
        }

        return new BulkCreateResult { Total = all.Count, Created = created, Unchanged = unchanged, Updated = updated, Failed = failed };
    }

    public Task<JobInfo?> GetAsync(string jobId, CancellationToken cancellationToken = default)
    {
        Calls.Add($"get {jobId}");
        return Task.FromResult(Jobs.GetValueOrDefault(jobId));
    }

    public Task<JobPage> ListAsync(JobQuery? query = null, CancellationToken cancellationToken = default)
    {
        LastQuery = query;
        var items = Jobs.Values.OrderBy(j => j.Definition.Id, StringComparer.Ordinal)
            .Select(j => new JobSummary(j.Definition.Id, j.Definition.Handler, j.Status, j.Definition.Schedule.ToString(), j.UpdatedAt))
            .ToList();
        return Task.FromResult(new JobPage(items, items.Count > 0 ? items[^1].Id : null));
    }

    public Task<JobInfo> UpdateAsync(JobDefinition definition, CancellationToken cancellationToken = default)
    {
        Calls.Add($"update {definition.Id}");
        var job = Existing(definition.Id) with { Definition = definition };
        Jobs[definition.Id] = job;
        return Task.FromResult(job);
    }

    public Task<JobInfo> PauseAsync(string jobId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Jobs[jobId] = Existing(jobId) with { Status = JobStatus.Paused });

    public Task<JobInfo> ResumeAsync(string jobId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Jobs[jobId] = Existing(jobId) with { Status = JobStatus.Scheduled });

    public Task<string> TriggerAsync(string jobId, CancellationToken cancellationToken = default)
    {
        Existing(jobId);
        return Task.FromResult(ExecutionIds.For(jobId, Now, manual: true));
    }

    public Task<bool> DeleteAsync(string jobId, CancellationToken cancellationToken = default) => Task.FromResult(Jobs.Remove(jobId));

    public Task<IReadOnlyList<ExecutionOutcome>> GetHistoryAsync(string jobId, int limit = 50, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ExecutionOutcome>>([]);

    public async IAsyncEnumerable<ExecutionOutcome> WatchAsync(string? jobId = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        WatchStarted.TrySetResult();
        await foreach (var outcome in Events.Reader.ReadAllAsync(cancellationToken))
        {
            if (jobId is null || outcome.JobId == jobId) yield return outcome;
        }
    }

    private JobInfo Existing(string jobId) => Jobs.GetValueOrDefault(jobId) ?? throw new JobNotFoundException(jobId);
}
