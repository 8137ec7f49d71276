using System.Text.Json;
using OrleansScheduler.Cli.Output;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Cli.Input;

/// <summary>
/// Reads the job definitions <c>import</c> submits: JSON Lines (one definition per line, blank lines skipped) or one
/// JSON array, each definition shaped as <c>--json</c> prints one (<see cref="CliJson"/>). The first non-blank
/// character tells which: <c>[</c> starts an array. Everything is read before anything is submitted, so a file that
/// does not parse creates nothing.
/// </summary>
/// <example>
/// <code>
/// {"id":"reports/daily","schedule":{"kind":"cron","cronExpression":"0 6 * * *","timeZone":"Europe/Paris"},"handler":"log"}
/// {"id":"tick","schedule":{"kind":"interval","interval":"5s"},"handler":"noop","priority":10}
/// </code>
/// </example>
internal static class JobFile
{
    /// <summary>All definitions in <paramref name="reader"/>, in order.</summary>
    /// <param name="reader">The text; lines are read one at a time, an array as a whole.</param>
    /// <param name="source">The file name (or <c>stdin</c>) that messages start with.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <exception cref="JobFileException">A line or element is not a definition; the message names the line and what is wrong.</exception>
    public static async Task<List<JobDefinition>> ReadAsync(TextReader reader, string source, CancellationToken cancellationToken)
    {
        var definitions = new List<JobDefinition>();
        var lineNumber = 0;
        while (await ReadLineAsync(reader, source, cancellationToken).ConfigureAwait(false) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (definitions.Count == 0 && line.TrimStart().StartsWith('['))
            {
                var rest = await ReadToEndAsync(reader, source, cancellationToken).ConfigureAwait(false);
                return ReadArray(line + "\n" + rest, lineNumber, source);
            }

            definitions.Add(ReadLine(line, lineNumber, source));
        }

        return definitions;
    }

    private static JobDefinition ReadLine(string line, int lineNumber, string source)
    {
        try
        {
            return CliJson.Deserialize<JobDefinition>(line)
                ?? throw new JobFileException($"{source} line {lineNumber}: null is not a job definition; write one JSON object per line");
        }
        catch (JsonException e)
        {
            throw new JobFileException($"{source} line {lineNumber}{Column(e)}{Where(e, inArray: false)}: {JsonErrorText.Reason(e)}", e);
        }
    }

    private static List<JobDefinition> ReadArray(string text, int firstLine, string source)
    {
        List<JobDefinition?> items;
        try
        {
            items = CliJson.Deserialize<List<JobDefinition?>>(text)
                ?? throw new JobFileException($"{source} line {firstLine}: null is not an array of job definitions");
        }
        catch (JsonException e)
        {
            var line = e.LineNumber is { } zeroBased ? firstLine + (int)zeroBased : firstLine;
            throw new JobFileException($"{source} line {line}{Column(e)}{Where(e, inArray: true)}: {JsonErrorText.Reason(e)}", e);
        }

        var index = items.IndexOf(null);
        if (index >= 0)
            throw new JobFileException($"{source}: element {index} of the array is null, not a job definition; remove it");
        return items!;
    }

    // ", column 17", counted in bytes of UTF-8 from 1 (the same as characters for ASCII text).
    private static string Column(JsonException e) => e.BytePositionInLine is { } position ? $", column {position + 1}" : "";

    // " (element 2, $.schedule.interval)" in an array, " ($.schedule.interval)" on a line; nothing at the root.
    private static string Where(JsonException e, bool inArray)
    {
        var path = e.Path;
        if (string.IsNullOrEmpty(path) || path == "$") return "";
        if (!inArray) return $" ({path})";
        // $[2].schedule → element 2 (zero-based, as jq counts), field $.schedule.
        var close = path.IndexOf(']', StringComparison.Ordinal);
        if (!path.StartsWith("$[", StringComparison.Ordinal) || close < 0) return $" ({path})";
        var field = path[(close + 1)..];
        return $" (element {path[2..close]}{(field.Length == 0 ? "" : ", $" + field)})";
    }

    private static async Task<string?> ReadLineAsync(TextReader reader, string source, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new JobFileException($"cannot read {source}: {e.Message}", e);
        }
    }

    private static async Task<string> ReadToEndAsync(TextReader reader, string source, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new JobFileException($"cannot read {source}: {e.Message}", e);
        }
    }
}
