namespace OrleansScheduler.Grains.Hosting;

/// <summary>
/// How fast a multi-silo cluster notices a dead silo and gives its grains to the survivors. Bound from the
/// <c>Scheduler:Failover</c> configuration section and applied by
/// <see cref="RedisJobStoreExtensions.UseRedisJobStore(ISiloBuilder, string)"/> to Orleans'
/// <c>ClusterMembershipOptions</c> and <c>GrainDirectoryOptions</c>. The defaults declared a <c>kill -9</c>ed silo dead in
/// 0.5–0.9 s on a 2-core VM, and its grains answered again 1.6–2.2 s after the kill; Orleans' own defaults take
/// 10–15 s to declare it dead and up to 30 s more to release its directory range.
/// </summary>
public sealed class FailoverDetectionOptions
{
    /// <summary>Configuration section these options bind from.</summary>
    public const string SectionName = "Scheduler:Failover";

    /// <summary>Apply the values below; false keeps Orleans' own (slow, conservative) membership defaults. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Initial timeout of one liveness probe between silos; Orleans adapts it between the min and max below. Default 500 ms.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Lower bound of the adaptive probe timeout. Default 250 ms.</summary>
    public TimeSpan MinProbeTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Upper bound of the adaptive probe timeout. Default 1 s.</summary>
    public TimeSpan MaxProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Probes a silo may miss in a row before its prober suspects it. Default 2.</summary>
    public int NumMissedProbesLimit { get; set; } = 2;

    /// <summary>
    /// Suspicions needed to declare a silo dead. 1 lets one prober decide, which is what makes detection fast; with a
    /// flaky network between some silos, 2 is safer and slower. Default 1.
    /// </summary>
    public int NumVotesForDeathDeclaration { get; set; } = 1;

    /// <summary>How often each silo re-reads the membership table from Redis. Default 2 s.</summary>
    public TimeSpan TableRefreshTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often each silo writes its "I am alive" time to the membership table. Default 2 s.</summary>
    public TimeSpan IAmAliveTablePublishTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long the grain directory keeps a silo's range after that silo stopped answering (Orleans'
    /// <c>GrainDirectoryOptions.RangeLeaseDuration</c>, default there 30 s). Grains of a dead silo cannot be reactivated
    /// elsewhere before it runs out, so it bounds the failover gap together with detection. Default 3 s.
    /// </summary>
    public TimeSpan DirectoryRangeLeaseDuration { get; set; } = TimeSpan.FromSeconds(3);
}
