namespace OrleansScheduler.Execution;

/// <summary>
/// Deterministic execution identity: <c>{jobId}@{scheduled instant in UTC, 100 ns precision}</c>, e.g.
/// <c>reports/daily@2026-11-25T06:00:00.0000000Z</c>. Retries and redeliveries keep it, so handlers can de-duplicate on it.
/// Manual triggers get a <c>!</c> before the instant so they never collide with a scheduled occurrence.
/// </summary>
public static class ExecutionIds
{
    // "yyyy-MM-ddTHH:mm:ss.fffffffZ"
    private const int InstantLength = 28;

    /// <summary>The id of the occurrence of <paramref name="jobId"/> scheduled at <paramref name="scheduledAt"/>.</summary>
    /// <remarks>Written digit by digit: a custom format string is parsed on every call, and an id is made for every outcome.</remarks>
    public static string For(string jobId, DateTimeOffset scheduledAt, bool manual = false)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        var separator = manual ? 2 : 1;
        return string.Create(jobId.Length + separator + InstantLength, (jobId, scheduledAt.UtcDateTime, manual), static (span, state) =>
        {
            var (id, utc, isManual) = state;
            id.AsSpan().CopyTo(span);
            var at = id.Length;
            span[at++] = '@';
            if (isManual) span[at++] = '!';
            Digits(span, ref at, utc.Year, 4);
            span[at++] = '-';
            Digits(span, ref at, utc.Month, 2);
            span[at++] = '-';
            Digits(span, ref at, utc.Day, 2);
            span[at++] = 'T';
            Digits(span, ref at, utc.Hour, 2);
            span[at++] = ':';
            Digits(span, ref at, utc.Minute, 2);
            span[at++] = ':';
            Digits(span, ref at, utc.Second, 2);
            span[at++] = '.';
            Digits(span, ref at, (int)(utc.Ticks % TimeSpan.TicksPerSecond), 7);
            span[at] = 'Z';
        });
    }

    private static void Digits(Span<char> span, ref int at, int value, int width)
    {
        for (var i = width - 1; i >= 0; i--)
        {
            span[at + i] = (char)('0' + value % 10);
            value /= 10;
        }
        at += width;
    }
}
