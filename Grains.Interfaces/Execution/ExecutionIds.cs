using System.Globalization;

namespace OrleansScheduler.Execution;

/// <summary>
/// Deterministic execution identity: <c>{jobId}@{scheduled instant in UTC, 100 ns precision}</c>, e.g.
/// <c>reports/daily@2026-11-25T06:00:00.0000000Z</c>. Retries and redeliveries keep it, so handlers can de-duplicate on it.
/// Manual triggers get a <c>!</c> before the instant so they never collide with a scheduled occurrence.
/// </summary>
public static class ExecutionIds
{
    /// <summary>The id of the occurrence of <paramref name="jobId"/> scheduled at <paramref name="scheduledAt"/>.</summary>
    public static string For(string jobId, DateTimeOffset scheduledAt, bool manual = false) =>
        string.Concat(jobId, manual ? "@!" : "@", scheduledAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
}
