using System.Globalization;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Cli.Parsing;

/// <summary>
/// The options and positional arguments of one command line, with typed readers whose errors name the option.
/// Accepts <c>--name value</c>, <c>--name=value</c>, and <c>--</c> to end options.
/// </summary>
internal sealed class ParsedArguments
{
    private readonly Dictionary<string, string?> _options;

    private ParsedArguments(string command, Dictionary<string, string?> options, List<string> positionals)
    {
        Command = command;
        _options = options;
        Positionals = positionals;
    }

    /// <summary>The command the options belong to, for messages.</summary>
    public string Command { get; }

    /// <summary>Arguments that are not options, in order.</summary>
    public IReadOnlyList<string> Positionals { get; }

    /// <summary>Splits <paramref name="args"/> into options known to <paramref name="spec"/> and positionals.</summary>
    /// <exception cref="UsageException">An unknown or repeated option, or an option without its value.</exception>
    public static ParsedArguments Read(string command, IReadOnlyList<string> args, OptionSpec spec)
    {
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        var positionals = new List<string>();
        var optionsEnded = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (optionsEnded || !arg.StartsWith("--", StringComparison.Ordinal) || arg == "-")
            {
                positionals.Add(arg);
                continue;
            }

            if (arg == "--")
            {
                optionsEnded = true;
                continue;
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? arg : arg[..equals];
            if (!spec.TryGet(name, out var takesValue))
                throw new UsageException($"unknown option {name} for '{command}'; run 'orleans-scheduler help {command}' for its options");
            if (options.ContainsKey(name))
                throw new UsageException($"option {name} is given twice; give it once");

            string? value = null;
            if (equals >= 0)
            {
                if (!takesValue) throw new UsageException($"option {name} takes no value (got '{arg[(equals + 1)..]}')");
                value = arg[(equals + 1)..];
            }
            else if (takesValue)
            {
                // A known option right after means the value was forgotten, not that it is the value.
                if (i + 1 >= args.Count || (args[i + 1].StartsWith("--", StringComparison.Ordinal) && spec.TryGet(args[i + 1].Split('=')[0], out _)))
                    throw new UsageException($"option {name} needs a value");
                value = args[++i];
            }

            options[name] = value;
        }

        return new ParsedArguments(command, options, positionals);
    }

    /// <summary>True when the option was given.</summary>
    public bool Has(string name) => _options.ContainsKey(name);

    /// <summary>True when the flag was given.</summary>
    public bool Flag(string name) => _options.ContainsKey(name);

    /// <summary>The option's text, or null when absent.</summary>
    public string? Text(string name) => _options.GetValueOrDefault(name);

    /// <summary>The option as an integer of at least <paramref name="min"/>, or null when absent.</summary>
    public int? Int(string name, int min = int.MinValue)
    {
        if (Text(name) is not { } text) return null;
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            throw new UsageException($"option {name}: '{text}' is not a whole number");
        if (value < min)
            throw new UsageException($"option {name}: must be at least {min} (was {value})");
        return value;
    }

    /// <summary>The option as a 64-bit integer, or null when absent.</summary>
    public long? Long(string name)
    {
        if (Text(name) is not { } text) return null;
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            throw new UsageException($"option {name}: '{text}' is not a whole number");
        return value;
    }

    /// <summary>The option as a duration (<c>250ms</c>, <c>5s</c>, <c>1h30m</c>, <c>00:00:05</c>), or null when absent.</summary>
    public TimeSpan? Duration(string name)
    {
        if (Text(name) is not { } text) return null;
        if (!Durations.TryParse(text, out var value))
            throw new UsageException($"option {name}: '{text}' is not a duration; use e.g. 250ms, 5s, 2m, 1h30m or 1d");
        return value;
    }

    /// <summary>The option as an ISO-8601 instant (UTC when it names no offset), or null when absent.</summary>
    public DateTimeOffset? Instant(string name)
    {
        if (Text(name) is not { } text) return null;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
            throw new UsageException($"option {name}: '{text}' is not an ISO-8601 instant; use e.g. 2026-01-31T06:00:00Z");
        return value;
    }

    /// <summary>The option as one of <paramref name="choices"/> (case-insensitive), or null when absent.</summary>
    public T? Choice<T>(string name, IReadOnlyDictionary<string, T> choices)
        where T : struct
    {
        if (Text(name) is not { } text) return null;
        foreach (var (key, value) in choices)
        {
            if (string.Equals(key, text, StringComparison.OrdinalIgnoreCase)) return value;
        }

        throw new UsageException($"option {name}: '{text}' is not one of {string.Join(", ", choices.Keys)}");
    }

    /// <summary>The single positional argument, named <paramref name="what"/> in messages.</summary>
    public string Single(string what)
    {
        if (Positionals.Count == 0) throw new UsageException($"'{Command}' needs {what}");
        NoMoreThan(1);
        return Positionals[0];
    }

    /// <summary>The optional single positional argument.</summary>
    public string? Optional()
    {
        NoMoreThan(1);
        return Positionals.Count == 0 ? null : Positionals[0];
    }

    private void NoMoreThan(int count)
    {
        if (Positionals.Count > count)
            throw new UsageException($"unexpected argument '{Positionals[count]}' for '{Command}'");
    }
}
