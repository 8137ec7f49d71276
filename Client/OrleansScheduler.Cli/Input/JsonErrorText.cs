using System.Text.Json;
using System.Text.RegularExpressions;
using OrleansScheduler.Cli.Output;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Cli.Input;

/// <summary>
/// Rewrites what System.Text.Json says about a definition it cannot read into the reason alone, in the words of the job
/// file: <c>unknown property 'handeler'; JobDefinition has id, schedule, handler, …</c>. The caller adds line and path.
/// </summary>
internal static partial class JsonErrorText
{
    private static readonly Dictionary<string, Type> Definitions = new(StringComparer.Ordinal)
    {
        [nameof(JobDefinition)] = typeof(JobDefinition),
        [nameof(ScheduleSpec)] = typeof(ScheduleSpec),
        [nameof(RetryPolicy)] = typeof(RetryPolicy),
    };

    /// <summary>The reason <paramref name="error"/> gives, without the position System.Text.Json appends.</summary>
    public static string Reason(JsonException error)
    {
        var message = error.Message;
        // "… Path: $.x | LineNumber: 0 | BytePositionInLine: 3." – the caller names the line and path itself.
        foreach (var marker in new[] { " Path: ", " LineNumber: " })
        {
            var at = message.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0) message = message[..at];
        }

        message = message.Trim().TrimEnd('.');
        if (UnknownProperty().Match(message) is { Success: true } unknown)
            return $"unknown property '{unknown.Groups[1].Value}'; {unknown.Groups[2].Value} has {Properties(unknown.Groups[2].Value)}";
        if (MissingRequired().Match(message) is { Success: true } missing)
            return $"missing required {missing.Groups[2].Value} of {missing.Groups[1].Value}";
        if (NullNotAllowed().Match(message) is { Success: true } nullValue)
            return $"'{nullValue.Groups[1].Value}' of {nullValue.Groups[2].Value} must not be null";
        if (NotConvertible().Match(message) is { Success: true } convert)
            return "expected " + Expected(convert.Groups[1].Value);
        return message.Length == 0 ? "not a job definition" : message;
    }

    private static string Properties(string type) =>
        Definitions.TryGetValue(type, out var definition) ? string.Join(", ", CliJson.PropertyNames(definition)) : "other properties";

    private static string Expected(string type) => type switch
    {
        "Int32" or "Int64" => "a whole number",
        "Double" => "a number",
        "Boolean" => "true or false",
        "String" => "a string",
        _ when Definitions.ContainsKey(type) => $"a JSON object ({type})",
        _ when type.StartsWith("List", StringComparison.Ordinal) => "a JSON array of job definitions",
        _ => $"a {type}",
    };

    [GeneratedRegex(@"^The JSON property '(.*)' could not be mapped to any \.NET member contained in type '(?:[\w.`]+\.)?(\w+)'$")]
    private static partial Regex UnknownProperty();

    [GeneratedRegex(@"^JSON deserialization for type '(?:[\w.`]+\.)?(\w+)' was missing required properties including: (.*)$")]
    private static partial Regex MissingRequired();

    [GeneratedRegex(@"^The property or field '(.*)' on type '(?:[\w.`]+\.)?(\w+)' doesn't allow setting null values")]
    private static partial Regex NullNotAllowed();

    [GeneratedRegex(@"^The JSON value could not be converted to (?:[\w.]+\.)?(\w+)")]
    private static partial Regex NotConvertible();
}
