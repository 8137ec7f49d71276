using System.Globalization;
using System.Text.Json;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Cli.Input;

/// <summary>
/// Reads a duration as people type it on the command line (<c>"250ms"</c>, <c>"5s"</c>, <c>"1h30m"</c>) or as
/// <c>--json</c> prints it (<c>"00:00:05"</c>); writes the latter, so output stays as <see cref="Output.CliJson"/> prints it.
/// </summary>
internal sealed class DurationJsonConverter() : TextJsonConverter<TimeSpan>(
    "a duration", "\"5s\" or \"00:00:05\"", "\"250ms\", \"5s\", \"1h30m\", \"1d\" or \"00:00:05\"")
{
    protected override bool TryParse(string? text, out TimeSpan value) => Durations.TryParse(text, out value);

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString("c", CultureInfo.InvariantCulture));
}
