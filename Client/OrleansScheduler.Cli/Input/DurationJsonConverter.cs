using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Cli.Input;

/// <summary>
/// Reads a duration as people type it on the command line (<c>"250ms"</c>, <c>"5s"</c>, <c>"1h30m"</c>) or as
/// <c>--json</c> prints it (<c>"00:00:05"</c>); writes the latter, so output stays as <see cref="Output.CliJson"/> prints it.
/// </summary>
internal sealed class DurationJsonConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException($"expected a duration string such as \"5s\" or \"00:00:05\", got {Token.Describe(ref reader)}");
        var text = reader.GetString();
        if (!Durations.TryParse(text, out var value))
            throw new JsonException($"'{text}' is not a duration; use e.g. \"250ms\", \"5s\", \"1h30m\", \"1d\" or \"00:00:05\"");
        return value;
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString("c", CultureInfo.InvariantCulture));
}
