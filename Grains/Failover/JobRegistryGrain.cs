using Orleans.Concurrency;

namespace OrleansScheduler.Grains.Failover;

/// <summary>What a registry bucket persists: job id → the activation holding it.</summary>
[GenerateSerializer, Alias("grains.JobRegistryState")]
public sealed class JobRegistryState
{
    /// <summary>The recorded activation by job id.</summary>
    [Id(0)] public Dictionary<string, JobRegistryEntry> Jobs { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One job's activation: its silo (parsable address) and a number that tells activations apart.</summary>
[GenerateSerializer, Alias("grains.JobRegistryEntry")]
public readonly record struct JobRegistryEntry([property: Id(0)] string Silo, [property: Id(1)] long Activation);

/// <summary>
/// A registry bucket. Registrations are group-committed: every caller that arrives while a write is in flight waits
/// for the next one, so a burst of thousands of jobs arming costs a handful of writes.
/// </summary>
[Reentrant]
public sealed class JobRegistryGrain(
    [PersistentState("registry", StorageNames.Jobs)] IPersistentState<JobRegistryState> state) : Grain, IJobRegistryGrain
{
    private GroupCommit? _commit;
    // A write failed (another activation of this bucket wrote since this one read, or the store failed): what this one
    // holds may be neither stored nor current, so it answers nothing more and goes. Otherwise a caller that registers
    // again would be told its record is there because this activation has it in memory.
    private Exception? _broken;

    /// <inheritdoc />
    public Task RegisterAsync(string jobId, string silo, long activation)
    {
        ThrowIfBroken();
        var entry = new JobRegistryEntry(silo, activation);
        if (state.State.Jobs.TryGetValue(jobId, out var known) && known == entry) return Task.CompletedTask;
        state.State.Jobs[jobId] = entry;
        return WriteSoonAsync();
    }

    /// <inheritdoc />
    public Task UnregisterAsync(string jobId, string silo, long activation)
    {
        ThrowIfBroken();
        if (!state.State.Jobs.TryGetValue(jobId, out var known) || known != new JobRegistryEntry(silo, activation)) return Task.CompletedTask;
        state.State.Jobs.Remove(jobId);
        return WriteSoonAsync();
    }

    /// <inheritdoc />
    public Task<string[]> OrphansAsync(string[] activeSilos)
    {
        ThrowIfBroken();
        var active = activeSilos.ToHashSet(StringComparer.Ordinal);
        return Task.FromResult(state.State.Jobs.Where(j => !active.Contains(j.Value.Silo)).Select(j => j.Key).ToArray());
    }

    private Task WriteSoonAsync() => (_commit ??= new GroupCommit(WriteAsync)).WriteSoonAsync();

    private async Task WriteAsync()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            _broken ??= ex;
            DeactivateOnIdle();
            throw;
        }
    }

    private void ThrowIfBroken()
    {
        if (_broken is not null)
            throw new InvalidOperationException($"Registry bucket {this.GetPrimaryKeyLong()} could not store its records and is going; call again.", _broken);
    }
}
