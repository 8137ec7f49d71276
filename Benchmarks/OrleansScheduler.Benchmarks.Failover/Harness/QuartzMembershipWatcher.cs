using System.Collections.Concurrent;
using Npgsql;

namespace OrleansScheduler.Benchmarks.Failover.Harness;

/// <summary>
/// When Quartz declared an instance dead: a peer's cluster manager that finds an instance overdue recovers its
/// triggers and, in the same transaction, deletes its row from <c>qrtz_scheduler_state</c>. This polls that table
/// every 20 ms and remembers when each instance's row disappeared (±10 ms).
/// </summary>
public sealed class QuartzMembershipWatcher(string connectionString) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, long> _gone = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public void Start() => _loop = LoopAsync(_stop.Token);

    /// <summary>When the row of <paramref name="instance"/> disappeared, if it did.</summary>
    public long? GoneTicks(string instance) => _gone.TryGetValue(instance, out var t) ? t : null;

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        await using var source = NpgsqlDataSource.Create(connectionString);
        var known = new HashSet<string>();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var command = source.CreateCommand("SELECT instance_name FROM qrtz_scheduler_state");
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                var now = new HashSet<string>();
                while (await reader.ReadAsync(cancellationToken)) now.Add(reader.GetString(0));
                var ticks = DateTimeOffset.UtcNow.UtcTicks;
                foreach (var name in known.Except(now)) _gone.TryAdd(name, ticks);
                known = now;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                // The store is being restarted: keep what we knew.
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            try
            {
                await Task.Delay(20, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null) await _loop;
        _stop.Dispose();
    }
}
