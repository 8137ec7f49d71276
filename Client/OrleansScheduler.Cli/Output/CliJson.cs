using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansScheduler.Cli.Input;

namespace OrleansScheduler.Cli.Output;

/// <summary>
/// The JSON the CLI prints with <c>--json</c>: camelCase names, enums as camelCase strings (<c>"scheduled"</c>,
/// <c>"timedOut"</c>), instants in ISO-8601 with offset, durations as <c>[d.]hh:mm:ss[.fffffff]</c>, nulls kept so
/// every object of a kind has the same keys. <see cref="Deserialize{T}"/> reads the same shape back, strictly.
/// </summary>
internal static class CliJson
{
    private static readonly JsonSerializerOptions Indented = Create(indented: true);
    private static readonly JsonSerializerOptions Compact = Create(indented: false);
    private static readonly JsonSerializerOptions Strict = CreateStrict();

    /// <summary><paramref name="value"/> as an indented JSON document.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Indented);

    /// <summary><paramref name="value"/> on a single line (one line per event for <c>watch</c>).</summary>
    public static string SerializeLine<T>(T value) => JsonSerializer.Serialize(value, Compact);

    /// <summary>
    /// Reads what <see cref="Serialize{T}"/> writes. Durations may also be typed as on the command line (<c>"5s"</c>) and
    /// instants without an offset are UTC. Unknown properties and nulls where the type allows none are errors, so a
    /// misspelt field is reported instead of silently taking its default.
    /// </summary>
    /// <exception cref="JsonException">The text is not valid JSON or does not fit <typeparamref name="T"/>; the message says why.</exception>
    public static T? Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Strict);

    /// <summary>The JSON names of <paramref name="type"/>'s properties as <see cref="Deserialize{T}"/> reads them, for messages.</summary>
    public static IEnumerable<string> PropertyNames(Type type) => Strict.GetTypeInfo(type).Properties.Select(p => p.Name);

    private static JsonSerializerOptions CreateStrict()
    {
        var options = new JsonSerializerOptions(Create(indented: false))
        {
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectNullableAnnotations = true,
            // A hand-edited array often keeps the comma after its last element.
            AllowTrailingCommas = true,
        };
        // Ahead of the shared enum converter, which would take numbers and name no choices in its errors.
        options.Converters.Insert(0, new EnumNameJsonConverter());
        options.Converters.Add(new DurationJsonConverter());
        options.Converters.Add(new InstantJsonConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

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
