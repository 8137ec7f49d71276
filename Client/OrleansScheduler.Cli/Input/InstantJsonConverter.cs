using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansScheduler.Cli.Input;

/// <summary>
/// Reads an ISO-8601 instant, UTC when it names no offset (as <c>--at</c>/<c>--start</c>/<c>--end</c> do; the default
/// reader would take the machine's zone). Writes the ISO-8601 form <see cref="Output.CliJson"/> prints.
/// </summary>
internal sealed class InstantJsonConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException($"expected an ISO-8601 instant string such as \"2026-01-31T06:00:00Z\", got {Token.Describe(ref reader)}");
        var text = reader.GetString();
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
            throw new JsonException($"'{text}' is not an ISO-8601 instant; use e.g. \"2026-01-31T06:00:00Z\"");
        return value;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
