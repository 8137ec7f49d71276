using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansScheduler.Cli.Output;

/// <summary>
/// The JSON the CLI prints with <c>--json</c>: camelCase names, enums as camelCase strings (<c>"scheduled"</c>,
/// <c>"timedOut"</c>), instants in ISO-8601 with offset, durations as <c>[d.]hh:mm:ss[.fffffff]</c>, nulls kept so
/// every object of a kind has the same keys.
/// </summary>
internal static class CliJson
{
    private static readonly JsonSerializerOptions Indented = Create(indented: true);
    private static readonly JsonSerializerOptions Compact = Create(indented: false);

    /// <summary><paramref name="value"/> as an indented JSON document.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Indented);

    /// <summary><paramref name="value"/> on a single line (one line per event for <c>watch</c>).</summary>
    public static string SerializeLine<T>(T value) => JsonSerializer.Serialize(value, Compact);

    private static JsonSerializerOptions Create(bool indented)
    {
        // Output goes to a terminal or a pipe, never into HTML: keep quotes and non-ASCII text readable.
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = indented,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
