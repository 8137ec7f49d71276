using Npgsql;

namespace OrleansScheduler.Benchmarks.Failover.Harness;

/// <summary>
/// A private PostgreSQL cluster for Quartz.NET: Debian's <c>postgresql</c> package (installed with apt-get when missing),
/// <c>initdb</c> into the run folder as the <c>postgres</c> user, listening on a free loopback port only, with a
/// <c>quartz</c> database holding the Quartz tables (<c>Sql/quartz_tables_postgres.sql</c>).
/// <c>synchronous_commit=off</c>: a commit returns before its WAL reaches the disk (a process crash loses nothing, an OS
/// crash the last few hundred ms), about the durability of the Redis the other target runs on (append-only file,
/// fsync every second).
/// </summary>
public sealed class PostgresServer(RunDirectory run, TextWriter log) : IAsyncDisposable
{
    private string _bin = "";
    private string _dataDir = "";
    private bool _running;

    public int Port { get; private set; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=quartz;Pooling=true;Maximum Pool Size=40;Timeout=5;Command Timeout=30";

    public string Describe => $"PostgreSQL ({_bin}) on 127.0.0.1:{Port}, synchronous_commit=off";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _bin = FindBin() ?? "";
        if (_bin.Length == 0)
        {
            await Shell.AptInstallAsync(log, "postgresql");
            _bin = FindBin() ?? throw new InvalidOperationException("postgresql installed, but no /usr/lib/postgresql/*/bin/initdb found");
        }
        _dataDir = Path.Combine(run.Path, "pg");
        Directory.CreateDirectory(_dataDir);
        if (Shell.IsRoot) await Shell.RunAsync("chown", ["postgres:postgres", _dataDir], TimeSpan.FromSeconds(10), cancellationToken);
        await Shell.RunAsPostgresAsync(Path.Combine(_bin, "initdb"), ["-D", _dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"], TimeSpan.FromMinutes(2), cancellationToken);
        Port = Shell.FreePort();
        run.SetStopCommand((Shell.IsRoot ? "runuser -u postgres -- " : "") + $"'{Path.Combine(_bin, "pg_ctl")}' -D '{_dataDir}' -m immediate stop");
        await StartServerAsync(cancellationToken);

        await using (var admin = new NpgsqlConnection($"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false"))
        {
            await admin.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand("CREATE DATABASE quartz", admin);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        var schema = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Sql", "quartz_tables_postgres.sql"), cancellationToken);
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(schema, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Crash-stops the server (<c>pg_ctl -m immediate</c>: no checkpoint, like a killed process) and, after <paramref name="down"/>, starts it again.</summary>
    public async Task RestartAsync(TimeSpan down, CancellationToken cancellationToken)
    {
        await StopAsync(immediate: true);
        await Task.Delay(down, cancellationToken);
        await StartServerAsync(cancellationToken);
    }

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        var options = $"-p {Port} -k {_dataDir} -c listen_addresses=127.0.0.1 -c synchronous_commit=off -c max_connections=200 -c shared_buffers=128MB -c log_min_messages=warning";
        await Shell.RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), ["-D", _dataDir, "-l", Path.Combine(_dataDir, "server.log"), "-w", "-t", "60", "-o", options, "start"], TimeSpan.FromSeconds(90), cancellationToken);
        _running = true;
    }

    private async Task StopAsync(bool immediate)
    {
        if (!_running) return;
        _running = false;
        await Shell.RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), ["-D", _dataDir, "-m", immediate ? "immediate" : "fast", "-w", "stop"], TimeSpan.FromSeconds(60));
    }

    /// <summary>Scheduler instances currently checked in (Quartz deletes the row of an instance it has recovered).</summary>
    public async Task<HashSet<string>> InstancesAsync(NpgsqlDataSource source, CancellationToken cancellationToken)
    {
        await using var command = source.CreateCommand("SELECT instance_name FROM qrtz_scheduler_state");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var names = new HashSet<string>();
        while (await reader.ReadAsync(cancellationToken)) names.Add(reader.GetString(0));
        return names;
    }

    private static string? FindBin() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync(immediate: true);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            log.WriteLine($"warning: stopping PostgreSQL: {e.Message}");
        }
    }
}
