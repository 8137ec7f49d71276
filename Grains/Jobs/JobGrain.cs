using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansScheduler.Errors;
using OrleansScheduler.Execution;
using OrleansScheduler.Grains.Dispatch;
using OrleansScheduler.Grains.Failover;
using OrleansScheduler.Grains.Handlers;
using OrleansScheduler.Grains.Hosting;
using OrleansScheduler.Grains.Timing;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Grains.Jobs;

/// <summary>
/// The single owner of one job. This part holds the requests callers make; <c>JobGrain.Dispatch.cs</c> holds the
/// firing path (arm → wake → dispatch → watermark) and <c>JobGrain.Outcomes.cs</c> what comes back from workers.
/// </summary>
public sealed partial class JobGrain : Grain, IJobGrain, IRemindable
{
    private readonly IPersistentState<JobState> _state;
    private readonly IPersistentState<JobHistoryState> _history;
    private readonly SchedulerOptions _options;
    private readonly TimeProvider _time;
    private readonly ITimingWheel _wheel;
    private readonly ExecutionDispatcher _dispatcher;
    private readonly ExecutionEventPublisher _events;
    private readonly HandlerCatalog _handlers;
    private readonly ILogger<JobGrain> _logger;
    private readonly LocalJobs _localJobs;
    private readonly int _partition;
    // Tells this activation apart from earlier and later ones of the same job (local list, registry).
    private readonly long _activation;
    // This activation chose to go (its job sleeps on its reminder until near again).
    private bool _goingIdle;
    // The activation is deactivating or gone: work it started and did not await (the safety nets) stops touching it.
    private bool _deactivating;

    /// <summary>Created by Orleans on activation.</summary>
    public JobGrain(
        [PersistentState("job", StorageNames.Jobs)] IPersistentState<JobState> state,
        [PersistentState("history", StorageNames.Jobs)] IPersistentState<JobHistoryState> history,
        IOptions<SchedulerOptions> options, TimeProvider time, ITimingWheel wheel, ExecutionDispatcher dispatcher,
        ExecutionEventPublisher events, Partitioner partitioner, HandlerCatalog handlers, LocalJobs localJobs, ILogger<JobGrain> logger)
    {
        _state = state;
        _history = history;
        _options = options.Value;
        _time = time;
        _wheel = wheel;
        _dispatcher = dispatcher;
        _events = events;
        _handlers = handlers;
        _logger = logger;
        _localJobs = localJobs;
        _partition = partitioner.PartitionOf(this.GetPrimaryKeyString());
        _armToken = Random.Shared.NextInt64();
        _activation = Random.Shared.NextInt64();
    }

    private string JobId => this.GetPrimaryKeyString();

    private bool Exists => _state.State.Definition is not null;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _localJobs.Add(JobId, _self ??= this.AsReference<IJobGrain>(), this);
        if (!Exists) return;
        LoadSchedule();
        await ResumeFromWorkerAsync();
        await ArmAsync();
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _deactivating = true;
        CancelWheelEntry();
        _localJobs.Remove(JobId, this);
        var stopping = reason.ReasonCode == DeactivationReasonCode.ShuttingDown;
        // Going far (or deleted): off the registry. Not when the silo is stopping or the job was handed over: the entry
        // then names this silo, so the sweep after it leaves wakes the job if no successor has registered already.
        if (_registered && !_handedOff && !stopping) Registry.UnregisterAsync(JobId, _localJobs.SiloKey, _activation).Ignore();
        // Going while the job should be firing, not by its own choice (fenced by a duplicate activation that the runtime
        // may remove next, or deactivated by the runtime): make sure an activation exists again shortly.
        if (Exists && !_goingIdle && !_handedOff && !stopping && _state.State.Status == JobStatus.Scheduled) _localJobs.WakeSoon(JobId);
        // A fenced activation or one that failed must not write: another activation may own the job now.
        if (!Exists || _fenced || reason.ReasonCode == DeactivationReasonCode.ApplicationError) return;
        // Store how far the outcomes have come, so the next activation redelivers nothing that already finished.
        if (_owns && ProgressChanged()) await TryWriteAsync();
        if (_historyDirty) await WriteHistoryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<CreateJobResult> CreateAsync(JobDefinition definition, bool upsert)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (definition.Id != JobId) throw new JobValidationException(nameof(JobDefinition.Id), $"'{definition.Id}' does not match the grain key '{JobId}'.");
        var now = _time.GetUtcNow();
        Validate(definition, now);

        if (Exists)
        {
            if (_state.State.Definition == definition) return CreateJobResult.Unchanged;
            if (!upsert) throw new JobConflictException(JobId);
            await ReplaceDefinitionAsync(definition, now);
            return CreateJobResult.Updated;
        }

        var schedule = ScheduleCalculator.Compile(definition.Schedule, now);
        _state.State = NewState(definition, now);
        _schedule = schedule;
        ResetProgressFromState();
        await WriteAsync();
        LogCreated(_logger, JobId, definition.Schedule.ToString(), definition.Handler);
        await IndexAsync();
        await ArmAndMaybeGoIdleAsync();
        return CreateJobResult.Created;
    }

    /// <inheritdoc />
    public async Task<JobInfo> UpdateAsync(JobDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        EnsureExists();
        if (definition.Id != JobId) throw new JobValidationException(nameof(JobDefinition.Id), $"'{definition.Id}' does not match the job being updated '{JobId}'.");
        var now = _time.GetUtcNow();
        Validate(definition, now);
        if (_state.State.Definition != definition) await ReplaceDefinitionAsync(definition, now);
        return Info();
    }

    /// <inheritdoc />
    public async Task<JobInfo?> GetAsync()
    {
        if (!Exists)
        {
            DeactivateOnIdle();
            return null;
        }
        await CollectLeaseAsync();
        return Info();
    }

    /// <inheritdoc />
    public async Task<JobInfo> PauseAsync()
    {
        EnsureExists();
        if (_state.State.Status != JobStatus.Scheduled) return Info();
        await ChangeAsync(JobStatus.Paused, _time.GetUtcNow());
        return Info();
    }

    /// <inheritdoc />
    public async Task<JobInfo> ResumeAsync()
    {
        EnsureExists();
        if (_state.State.Status != JobStatus.Paused) return Info();
        await ChangeAsync(JobStatus.Scheduled, _time.GetUtcNow());
        return Info();
    }

    /// <inheritdoc />
    public async Task<string> TriggerAsync()
    {
        EnsureExists();
        var execution = NewExecution(_time.GetUtcNow(), manual: true);
        await _dispatcher.DeliverNowAsync(_partition, new ExecutionBatch([execution]));
        LogTriggered(_logger, JobId, execution.ExecutionId);
        return execution.ExecutionId;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync()
    {
        if (!Exists)
        {
            DeactivateOnIdle();
            return false;
        }
        var version = _state.State.Version + 1;
        CancelWheelEntry();
        _unacked.Clear();
        _leaseUntil = null;
        await _dispatcher.RevokeAsync(_partition, JobId, version);
        await UnregisterReminderAsync();
        await LeaveWakeIndexAsync();
        await _state.ClearStateAsync();
        await _history.ClearStateAsync();
        _state.State = new JobState();
        _history.State = new JobHistoryState();
        _outcomes = null;
        _schedule = null;
        _historyDirty = false;
        await GrainFactory.GetGrain<IJobIndexGrain>(JobIndex.ShardOf(JobId)).RemoveAsync(JobId);
        LogDeleted(_logger, JobId);
        DeactivateOnIdle();
        return true;
    }

    private void Validate(JobDefinition definition, DateTimeOffset now) => Validate(definition, now, _handlers);

    /// <summary>What every create and update checks: the definition itself, and that its handler is registered here.</summary>
    internal static void Validate(JobDefinition definition, DateTimeOffset now, HandlerCatalog handlers)
    {
        JobDefinitionValidator.Validate(definition, now);
        if (!handlers.Contains(definition.Handler))
            throw new JobValidationException(nameof(JobDefinition.Handler),
                $"no handler named '{definition.Handler}' is registered; registered handlers: {string.Join(", ", handlers.Names)}.");
    }

    private void EnsureExists()
    {
        if (Exists) return;
        DeactivateOnIdle();
        throw new JobNotFoundException(JobId);
    }

    // Update and upsert: the new definition takes effect now; what was dispatched for later instants is revoked.
    private async Task ReplaceDefinitionAsync(JobDefinition definition, DateTimeOffset now)
    {
        await RevokeDispatchedAsync(_state.State.Version + 1, now);
        var state = _state.State;
        state.Definition = definition;
        state.UpdatedAt = now;
        if (state.Status == JobStatus.Completed) state.Status = JobStatus.Scheduled;
        // The past is the old definition's: the new one fires from now on.
        _dispatchedThrough = Max(_dispatchedThrough, now);
        _schedule = ScheduleCalculator.Compile(definition.Schedule, state.CreatedAt);
        _nextKnown = false;
        _inFlight.Clear();
        _unacked.Clear();
        _dispatchedCount = 0;
        await WriteAsync();
        LogUpdated(_logger, JobId, state.Version, definition.Schedule.ToString());
        await IndexAsync();
        await ArmAndMaybeGoIdleAsync();
    }

    private async Task ChangeAsync(JobStatus status, DateTimeOffset now)
    {
        await RevokeDispatchedAsync(_state.State.Version + 1, now);
        _state.State.Status = status;
        _state.State.UpdatedAt = now;
        await WriteAsync();
        LogStatusChanged(_logger, JobId, status, _state.State.Version);
        await IndexAsync();
        await ArmAndMaybeGoIdleAsync();
    }

    // After a caller's request a job whose next occurrence is far away lets its activation go at once (its reminder
    // wakes it): idle jobs hold no activation. Never on activation itself, or requests would chase a deactivating one.
    private async Task ArmAndMaybeGoIdleAsync()
    {
        if (await ArmAsync()) GoIdle();
        else await EnsureSafetyNetsAsync(); // the caller's request returns once the job would survive its silo
    }

    private Task IndexAsync() => GrainFactory.GetGrain<IJobIndexGrain>(JobIndex.ShardOf(JobId)).UpsertAsync(Summary(_state.State));

    private JobInfo Info()
    {
        var state = _state.State;
        var (next, count) = Progress();
        return new JobInfo
        {
            Definition = state.Definition!,
            Version = state.Version,
            Status = state.Status,
            CreatedAt = state.CreatedAt,
            UpdatedAt = state.UpdatedAt,
            NextDueAt = state.Status == JobStatus.Scheduled ? next : null,
            DispatchedCount = count,
            SucceededCount = _history.State.Succeeded,
            FailedCount = _history.State.Failed,
            LastOutcome = Outcomes.Count > 0 ? Outcomes[JobId, Outcomes.Count - 1] : null,
        };
    }

    private Execution.Execution NewExecution(DateTimeOffset scheduledAt, bool manual)
    {
        var definition = _state.State.Definition!;
        return new Execution.Execution
        {
            JobId = JobId,
            ScheduledAt = scheduledAt,
            JobVersion = _state.State.Version,
            Handler = definition.Handler,
            Payload = definition.Payload,
            Priority = definition.Priority,
            Timeout = definition.Timeout,
            Retry = definition.Retry,
            Manual = manual,
        };
    }

    private void GoIdle()
    {
        _goingIdle = true;
        DeactivateOnIdle();
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    /// <summary>The listing row of a job.</summary>
    internal static JobSummary Summary(JobState state) =>
        new(state.Definition!.Id, state.Definition.Handler, state.Status, state.Definition.Schedule.ToString(), state.UpdatedAt);

    /// <summary>The state of a job created at <paramref name="now"/> (also what a bulk creation stores).</summary>
    internal static JobState NewState(JobDefinition definition, DateTimeOffset now) => new()
    {
        Definition = definition,
        Version = 1,
        Status = definition.Enabled ? JobStatus.Scheduled : JobStatus.Paused,
        CreatedAt = now,
        UpdatedAt = now,
        // A one-shot counts from the beginning of time so that an instant already past still fires (misfire policy);
        // recurring schedules count from creation.
        DispatchedThrough = definition.Schedule.Kind is ScheduleKind.Once or ScheduleKind.Delay ? DateTimeOffset.MinValue : now,
    };

    /// <summary>
    /// When the wake index must wake a job that dispatches next at <paramref name="dispatchAt"/>, or null when that is
    /// near (within <see cref="SchedulerOptions.NearHorizon"/>): half the near horizon before dispatching.
    /// </summary>
    internal static DateTimeOffset? FarWakeAt(DateTimeOffset dispatchAt, DateTimeOffset now, SchedulerOptions options) =>
        dispatchAt - now <= options.NearHorizon ? null : dispatchAt - options.NearHorizon / 2;
}
