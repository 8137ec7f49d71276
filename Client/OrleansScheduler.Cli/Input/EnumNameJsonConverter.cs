using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansScheduler.Cli.Input;

/// <summary>
/// Reads an enum by name only, ignoring case, <c>-</c> and <c>_</c>: <c>"fireOnceNow"</c>, <c>"FireOnceNow"</c> and
/// <c>"fire-once-now"</c> (as <c>--misfire</c> takes it) are the same. A number or an unknown name is an error that lists
/// the names. Writes camelCase, as <see cref="Output.CliJson"/> prints enums.
/// </summary>
internal sealed class EnumNameJsonConverter : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert))!;

    private sealed class Converter<T> : JsonConverter<T>
        where T : struct, Enum
    {
        private static readonly string[] Names = [.. Enum.GetNames<T>().Select(JsonNamingPolicy.CamelCase.ConvertName)];

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String)
                throw new JsonException($"expected one of {string.Join(", ", Names)}, got {Token.Describe(ref reader)}");
            var text = reader.GetString() ?? "";
            var key = Normalize(text);
            foreach (var value in Enum.GetValues<T>())
            {
                if (string.Equals(Normalize(value.ToString()), key, StringComparison.OrdinalIgnoreCase)) return value;
            }

            throw new JsonException($"'{text}' is not one of {string.Join(", ", Names)}");
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WriteStringValue(JsonNamingPolicy.CamelCase.ConvertName(value.ToString()));

        private static string Normalize(string name) => name.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
    }
}
