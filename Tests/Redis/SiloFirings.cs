using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansScheduler.Tests.Redis;

/// <summary>What the crash tests read from their silo processes: the occurrences each ran, and the bounds they hold them to.</summary>
internal static partial class SiloFirings
{
    // The documented redelivery window with the default options: watermark block (5 s) + dispatch lead (0.7 s) +
    // dispatch window (2 s), counted back from the kill, plus the time to declare the silo dead.
    public static readonly TimeSpan RedeliveryWindow = TimeSpan.FromSeconds(7.7);

    // Stated bound for these tests (CI machines are slow and shared): every occurrence due after a kill starts at most
    // this late. The failover benchmark measures the real figures.
    public static readonly TimeSpan ResumeBound = TimeSpan.FromSeconds(6);

    public sealed record Firing(string JobId, string ExecutionId, DateTimeOffset ScheduledAt, DateTimeOffset StartedAt);

    // The built-in log handler writes "Job {id} fired: {id}@{instant} attempt {n}, {late} ms late"; silos that died keep
    // the output they wrote before.
    public static List<Firing> Firings(RedisCluster cluster) =>
        [.. FiredLine().Matches(string.Join("\n", cluster.Silos.Select(s => s.Output))).Select(m =>
        {
            var scheduled = DateTimeOffset.Parse(m.Groups["at"].Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            var late = double.Parse(m.Groups["late"].Value, CultureInfo.InvariantCulture);
            return new Firing(m.Groups["job"].Value, $"{m.Groups["job"].Value}@{m.Groups["at"].Value}", scheduled, scheduled + TimeSpan.FromMilliseconds(late));
        })];

    /// <summary>How many occurrences <paramref name="output"/> says were run.</summary>
    public static int FiredCount(string output) => FiredLine().Count(output);

    [GeneratedRegex(@"Job (?<job>\S+) fired: \k<job>@(?<at>\S+) attempt 1, (?<late>-?[0-9.]+) ms late")]
    private static partial Regex FiredLine();
}
