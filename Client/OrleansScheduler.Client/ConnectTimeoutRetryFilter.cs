using Microsoft.Extensions.Options;

namespace OrleansScheduler.Client;

/// <summary>
/// Retries the client's connection every <see cref="RetryDelay"/> (or sooner, at the deadline) until
/// <see cref="JobSchedulerClientOptions.ConnectTimeout"/> has passed since the first failure, then lets it fail.
/// </summary>
internal sealed class ConnectTimeoutRetryFilter : IClientConnectionRetryFilter
{
    /// <summary>Pause between attempts: a refused connection fails at once, and a busy loop would only burn CPU.</summary>
    internal static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(500);

    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private long? _firstFailure;

    public ConnectTimeoutRetryFilter(IOptions<JobSchedulerClientOptions> options, TimeProvider time)
    {
        _timeout = options.Value.ConnectTimeout;
        _time = time;
    }

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        _firstFailure ??= _time.GetTimestamp();
        var remaining = _timeout - _time.GetElapsedTime(_firstFailure.Value);
        if (remaining <= TimeSpan.Zero) return false;
        await Task.Delay(remaining < RetryDelay ? remaining : RetryDelay, _time, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
