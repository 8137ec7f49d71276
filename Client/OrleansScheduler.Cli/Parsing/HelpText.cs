namespace OrleansScheduler.Cli.Parsing;

/// <summary>The usage text of the CLI and of each command.</summary>
internal static class HelpText
{
    private const string JobOptions = """
          --cron "<expr>" [--tz <zone>]   cron, 5 fields or 6 with seconds; zone IANA/Windows id, default UTC
          --every <duration>              fixed interval, e.g. 250ms, 5s, 1h30m
          --at <ISO-8601>                 once at an instant, e.g. 2026-01-31T06:00:00Z (UTC when no offset)
          --in <duration>                 once, this long after creation
          --handler <name>                handler that runs it, e.g. log, noop
          --payload <text>                text handed to the handler
          --priority <N>                  -1000..1000, higher starts first under load (default 0)
          --timeout <duration>            handler timeout (default 30s)
          --retries <N>                   retries after a failed attempt (default 0)
          --backoff <duration>            wait before the first retry, doubling after (default 1s)
          --start <ISO-8601>              no occurrence before this instant
          --end <ISO-8601>                no occurrence after this instant
          --max-runs <N>                  stop after N scheduled runs
          --misfire <policy>              fire-once-now (default), fire-all or skip
          --paused                        create the job paused
        """;

    private static readonly Dictionary<string, string> Commands = new(StringComparer.Ordinal)
    {
        ["add"] = $"""
            usage: orleans-scheduler add <id> (--cron "<expr>" [--tz <zone>] | --every <d> | --at <ISO> | --in <d>) --handler <name> [options]
            Creates a job. The same definition again changes nothing; another one is a conflict (exit 4) unless --upsert.
            {JobOptions}
              --upsert                        replace an existing job with another definition
            """,
        ["list"] = """
            usage: orleans-scheduler list [--prefix <p>] [--handler <h>] [--status scheduled|paused|completed] [--limit N] [--after <id>]
            One page of jobs ordered by id (default 100, at most 1000). When more remain, stderr says which --after reads on.
            """,
        ["show"] = "usage: orleans-scheduler show <id>\nEverything about one job.\n",
        ["update"] = $"""
            usage: orleans-scheduler update <id> [options of add]
            Changes the given settings; the others keep their current values. A new schedule keeps --start/--end/--max-runs.
            {JobOptions}
            """,
        ["pause"] = "usage: orleans-scheduler pause <id>\nStops the job firing until it is resumed.\n",
        ["resume"] = "usage: orleans-scheduler resume <id>\nStarts a paused job firing again from its next occurrence.\n",
        ["trigger"] = "usage: orleans-scheduler trigger <id>\nRuns the job once now and prints the execution id.\n",
        ["remove"] = "usage: orleans-scheduler remove <id>\nDeletes the job (exit 3 when it does not exist).\n",
        ["history"] = "usage: orleans-scheduler history <id> [--limit N]\nThe latest execution outcomes, newest first (default 50, at most 1000).\n",
        ["watch"] = """
            usage: orleans-scheduler watch [<id>] [--count N] [--for <duration>]
            Prints execution outcomes as they happen, one per line (JSON lines with --json), of one job or all,
            until N were printed, the duration passed, or Ctrl+C.
            """,
        ["import"] = """
            usage: orleans-scheduler import <file> [--upsert]
            Creates many jobs at once from <file> (- reads stdin): JSON Lines, one definition per line as --json prints
            it (blank lines skipped), or one JSON array. Durations may be written as on the command line ("5s"), and
            instants without an offset are UTC. Per definition as add: the same again is unchanged, another under an
            existing id is refused unless --upsert. The whole file is read first: if a line does not parse, nothing is
            created (exit 2). A refused definition keeps none of the others out; they are listed and the exit code is 5.
              --upsert                        replace existing jobs that have another definition
            example line:
              {"id":"tick","schedule":{"kind":"interval","interval":"5s"},"handler":"log","payload":"hi"}
            """,
        ["help"] = "usage: orleans-scheduler help [<command>]\n",
    };

    private const string General = """
        usage: orleans-scheduler [global options] <command> [arguments]

        commands:
          add <id> ...        create a job            list               list jobs
          show <id>           show a job              update <id> ...    change a job
          pause <id>          pause a job             resume <id>        resume a job
          trigger <id>        run a job now           remove <id>        delete a job
          history <id>        recent executions       watch [<id>]       live executions
          import <file>       create many jobs        help [<command>]   this text, or a command's options

        global options (anywhere on the line):
          --port <N>              gateway port of a local silo (default 30000, or ORLEANS_SCHEDULER_PORT)
          --redis <conn>          reach the cluster through its Redis server, e.g. 10.0.0.5:6379,password=...
                                  (default: ConnectionStrings__Redis; overrides --port)
          --cluster-id <id>       Orleans cluster id (default orleans-scheduler)
          --service-id <id>       Orleans service id (default orleans-scheduler)
          --connect-timeout <d>   how long to keep trying to reach the cluster (default 10s)
          --json                  machine-readable JSON on stdout
          --verbose               log client warnings to stderr

        exit codes: 0 ok, 1 unexpected error, 2 usage error, 3 job not found, 4 conflict,
                    5 validation error, 6 cannot reach the cluster, 130 interrupted
        """;

    /// <summary>The commands the CLI knows.</summary>
    public static IEnumerable<string> CommandNames => Commands.Keys;

    /// <summary>The usage of <paramref name="topic"/>, or the general usage when null or unknown.</summary>
    public static string For(string? topic)
    {
        var text = topic is not null && Commands.TryGetValue(topic, out var command) ? command : General;
        return text.EndsWith('\n') ? text : text + "\n";
    }
}
