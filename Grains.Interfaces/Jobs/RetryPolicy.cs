namespace OrleansScheduler.Jobs;

/// <summary>
/// How a failed or timed-out execution is retried: attempt n (n ≥ 2) starts
/// <c>min(InitialBackoff × Multiplier^(n-2), MaxBackoff)</c> after attempt n-1 ended. Retries keep the ExecutionId.
/// </summary>
[GenerateSerializer, Immutable, Alias("jobs.RetryPolicy")]
public sealed record RetryPolicy
{
    /// <summary>No retries: one attempt.</summary>
    public static RetryPolicy None { get; } = new() { MaxAttempts = 1 };

    /// <summary>Total attempts including the first; 1 means no retry. Default 1, at most 100.</summary>
    [Id(0)] public int MaxAttempts { get; init; } = 1;

    /// <summary>Wait before the first retry. Default 1 s.</summary>
    [Id(1)] public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Factor applied to the wait after each retry. Default 2, between 1 and 10.</summary>
    [Id(2)] public double Multiplier { get; init; } = 2;

    /// <summary>Upper bound of a single wait. Default 5 min.</summary>
    [Id(3)] public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The wait before attempt <paramref name="nextAttempt"/> (2 for the first retry).</summary>
    public TimeSpan BackoffBefore(int nextAttempt)
    {
        var factor = Math.Pow(Multiplier, Math.Max(0, nextAttempt - 2));
        var ms = Math.Min(InitialBackoff.TotalMilliseconds * factor, MaxBackoff.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ms);
    }
}
