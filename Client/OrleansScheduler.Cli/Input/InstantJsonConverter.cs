using System.Globalization;
using System.Text.Json;

namespace OrleansScheduler.Cli.Input;

/// <summary>
/// Reads an ISO-8601 instant, UTC when it names no offset (as <c>--at</c>/<c>--start</c>/<c>--end</c> do; the default
/// reader would take the machine's zone). Writes the ISO-8601 form <see cref="Output.CliJson"/> prints.
/// </summary>
internal sealed class InstantJsonConverter() : TextJsonConverter<DateTimeOffset>(
    "an ISO-8601 instant", "\"2026-01-31T06:00:00Z\"", "\"2026-01-31T06:00:00Z\"")
{
    protected override bool TryParse(string? text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
