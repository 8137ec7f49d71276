using System.Collections.Concurrent;

namespace OrleansScheduler.Grains.Failover;

/// <summary>
/// The job activations on this silo, and this silo's key in the registry. When another silo dies, each of them
/// redelivers what it has not heard back about; when this silo stops, each hands over to a survivor.
/// </summary>
public sealed class LocalJobs(ILocalSiloDetails silo)
{
    private readonly ConcurrentDictionary<string, IJobGrain> _jobs = new(StringComparer.Ordinal);

    /// <summary>This silo's address as the registry records it.</summary>
    public string SiloKey { get; } = silo.SiloAddress.ToParsableString();

    /// <summary>Number of job activations on this silo.</summary>
    public int Count => _jobs.Count;

    /// <summary>Records an activation.</summary>
    public void Add(string jobId, IJobGrain job) => _jobs[jobId] = job;

    /// <summary>Forgets an activation.</summary>
    public void Remove(string jobId) => _jobs.TryRemove(jobId, out _);

    /// <summary>A snapshot of the activations.</summary>
    public KeyValuePair<string, IJobGrain>[] Snapshot() => _jobs.ToArray();
}
