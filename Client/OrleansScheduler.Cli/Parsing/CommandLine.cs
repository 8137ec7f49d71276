using System.Globalization;
using OrleansScheduler.Cli.Commands;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Cli.Parsing;

/// <summary>
/// Turns the arguments into a <see cref="CliInvocation"/> or a <see cref="UsageException"/> whose message names the
/// option, without touching the cluster. Global options may appear before or after the command.
/// </summary>
internal static class CommandLine
{
    private static readonly OptionSpec Globals = new OptionSpec()
        .Values("--port", "--cluster-id", "--service-id", "--connect-timeout", "--redis")
        .Flags("--json", "--verbose", "--help");

    private static readonly OptionSpec IdOnly = new();

    private static readonly Dictionary<string, JobStatus> StatusChoices = new(StringComparer.OrdinalIgnoreCase)
    {
        ["scheduled"] = JobStatus.Scheduled,
        ["paused"] = JobStatus.Paused,
        ["completed"] = JobStatus.Completed,
    };

    /// <summary>Parses <paramref name="args"/>; <paramref name="environment"/> supplies <c>ORLEANS_SCHEDULER_PORT</c> and <c>ConnectionStrings__Redis</c>.</summary>
    /// <exception cref="UsageException">The line is not a valid command; the message says which option is wrong and why.</exception>
    public static CliInvocation Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var (name, rest) = SplitCommand(args);
        if (name is null)
        {
            if (args.Contains("--help") || args.Contains("-h")) return new CliInvocation(GlobalOptions.Default, new HelpCommand(null));
            throw new UsageException("no command given; run 'orleans-scheduler help' for the list");
        }

        var spec = Globals.With(OptionsOf(name));
        var parsed = ParsedArguments.Read(name, rest, spec);
        if (parsed.Flag("--help") || parsed.Positionals.Contains("-h"))
            return new CliInvocation(GlobalOptions.Default, new HelpCommand(name == "help" ? null : name));
        return new CliInvocation(ReadGlobals(parsed, environment), ReadCommand(name, parsed));
    }

    // The command is the first argument that is neither a global option nor its value.
    private static (string? Name, List<string> Remaining) SplitCommand(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--") break;
            if (arg.StartsWith("--", StringComparison.Ordinal) || arg == "-h")
            {
                if (Globals.TryGet(arg, out var takesValue) && takesValue) i++;
                continue;
            }

            var rest = args.Take(i).Concat(args.Skip(i + 1)).ToList();
            return (arg, rest);
        }

        return (null, []);
    }

    private static OptionSpec OptionsOf(string command) => command switch
    {
        "add" => JobSettingsParser.Spec.With(new OptionSpec().Flags("--upsert")),
        "update" => JobSettingsParser.Spec,
        "list" => new OptionSpec().Values("--prefix", "--handler", "--status", "--limit", "--after"),
        "history" => new OptionSpec().Values("--limit"),
        "import" => new OptionSpec().Flags("--upsert"),
        "watch" => new OptionSpec().Values("--count", "--for"),
        "show" or "pause" or "resume" or "trigger" or "remove" or "help" => IdOnly,
        _ => throw new UsageException($"unknown command '{command}'; commands: {string.Join(", ", HelpText.CommandNames)}"),
    };

    private static ICliCommand ReadCommand(string name, ParsedArguments args) => name switch
    {
        "add" => new AddCommand(args.Single("a job id"), JobSettingsParser.Read(args, requireSchedule: true), args.Flag("--upsert")),
        "update" => new UpdateCommand(args.Single("a job id"), JobSettingsParser.Read(args, requireSchedule: false)),
        "list" => new ListCommand(ReadQuery(args)),
        "show" => new ShowCommand(args.Single("a job id")),
        "pause" => new PauseCommand(args.Single("a job id")),
        "resume" => new ResumeCommand(args.Single("a job id")),
        "trigger" => new TriggerCommand(args.Single("a job id")),
        "remove" => new RemoveCommand(args.Single("a job id")),
        "history" => new HistoryCommand(args.Single("a job id"), args.Int("--limit", min: 1) ?? HistoryCommand.DefaultLimit),
        "watch" => new WatchCommand(args.Optional(), args.Int("--count", min: 1), ReadPositiveDuration(args, "--for")),
        "import" => new ImportCommand(ReadImportSource(args), args.Flag("--upsert")),
        "help" => new HelpCommand(ReadHelpTopic(args)),
        _ => throw new UsageException($"unknown command '{name}'"),
    };

    private static JobQuery ReadQuery(ParsedArguments args)
    {
        if (args.Positionals.Count > 0) throw new UsageException($"unexpected argument '{args.Positionals[0]}' for 'list'; filter with --prefix");
        return new JobQuery
        {
            IdPrefix = args.Text("--prefix"),
            Handler = args.Text("--handler"),
            Status = args.Choice("--status", StatusChoices),
            After = args.Text("--after"),
            Limit = args.Int("--limit", min: 1) ?? new JobQuery().Limit,
        };
    }

    private static string ReadImportSource(ParsedArguments args)
    {
        var source = args.Single("a file of job definitions (- for stdin)");
        if (string.IsNullOrWhiteSpace(source)) throw new UsageException("'import' needs a file name; give - to read stdin");
        return source;
    }

    private static string? ReadHelpTopic(ParsedArguments args)
    {
        var topic = args.Optional();
        if (topic is not null && !HelpText.CommandNames.Contains(topic))
            throw new UsageException($"unknown command '{topic}'; commands: {string.Join(", ", HelpText.CommandNames)}");
        return topic;
    }

    private static GlobalOptions ReadGlobals(ParsedArguments args, Func<string, string?> environment)
    {
        var port = args.Int("--port") ?? PortFromEnvironment(environment);
        if (port is < 1 or > 65535) throw new UsageException($"option --port: must be between 1 and 65535 (was {port})");
        return new GlobalOptions(
            port,
            NonEmpty(args, "--cluster-id"),
            NonEmpty(args, "--service-id"),
            args.Flag("--json"),
            ReadPositiveDuration(args, "--connect-timeout"),
            args.Flag("--verbose"),
            ReadRedis(args, environment));
    }

    private static string? ReadRedis(ParsedArguments args, Func<string, string?> environment)
    {
        var option = NonEmpty(args, "--redis");
        var (text, source) = option is not null
            ? (option, "option --redis")
            : (environment(GlobalOptions.RedisVariable), $"environment variable {GlobalOptions.RedisVariable}");
        if (string.IsNullOrWhiteSpace(text)) return null;
        try
        {
            if (StackExchange.Redis.ConfigurationOptions.Parse(text).EndPoints.Count == 0)
                throw new UsageException($"{source}: names no Redis endpoint; expected host:port[,password=...]");
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"{source}: not a Redis connection string ({e.Message}); expected host:port[,password=...]");
        }
        return text;
    }

    private static int PortFromEnvironment(Func<string, string?> environment)
    {
        var text = environment(GlobalOptions.PortVariable);
        if (string.IsNullOrWhiteSpace(text)) return GlobalOptions.DefaultPort;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new UsageException($"environment variable {GlobalOptions.PortVariable}: '{text}' is not a port (1-65535)");
        return port;
    }

    private static string? NonEmpty(ParsedArguments args, string option)
    {
        var text = args.Text(option);
        if (text is not null && string.IsNullOrWhiteSpace(text)) throw new UsageException($"option {option} must not be empty");
        return text;
    }

    private static TimeSpan? ReadPositiveDuration(ParsedArguments args, string option)
    {
        var value = args.Duration(option);
        if (value is { } d && d <= TimeSpan.Zero) throw new UsageException($"option {option}: must be greater than zero (was {args.Text(option)})");
        return value;
    }
}
