using Orleans.Runtime;

namespace OrleansScheduler.Grains;

/// <summary>
/// Makes <see cref="IJobGrain"/> references without resolving the interface by type name on every call
/// (<c>IGrainFactory.GetGrain&lt;T&gt;(string)</c> formats and parses type names each time: measured as the largest
/// source of allocations on the firing path). The grain and interface types are resolved once.
/// </summary>
public sealed class JobGrainReferences
{
    private readonly IGrainFactory _grains;
    private readonly Lazy<(GrainType Grain, GrainInterfaceType Interface)> _types;

    /// <summary>Creates the cache; one per silo or client.</summary>
    public JobGrainReferences(IGrainFactory grains)
    {
        _grains = grains;
        _types = new(() =>
        {
            var probe = (GrainReference)(object)grains.GetGrain<IJobGrain>("probe");
            return (probe.GrainId.Type, probe.InterfaceType);
        });
    }

    /// <summary>The job grain of <paramref name="jobId"/>.</summary>
    public IJobGrain Job(string jobId)
    {
        var (grainType, interfaceType) = _types.Value;
        return (IJobGrain)_grains.GetGrain(GrainId.Create(grainType, jobId), interfaceType);
    }

    /// <summary>The grain id of the job <paramref name="jobId"/> (its state is stored under it).</summary>
    public GrainId GrainIdOf(string jobId) => GrainId.Create(_types.Value.Grain, jobId);
}
