using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansScheduler.Cli.Input;

/// <summary>
/// Reads a value written as a JSON string in a form of its own, with errors that say what was expected: "expected
/// {what} string such as {example}" for another token, "'{text}' is not {what}; use e.g. {examples}" for a bad string.
/// </summary>
internal abstract class TextJsonConverter<T>(string what, string example, string examples) : JsonConverter<T>
{
    /// <summary>Parses the string; false when it is not a valid value.</summary>
    protected abstract bool TryParse(string? text, out T value);

    public sealed override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException($"expected {what} string such as {example}, got {Token.Describe(ref reader)}");
        var text = reader.GetString();
        if (!TryParse(text, out var value))
            throw new JsonException($"'{text}' is not {what}; use e.g. {examples}");
        return value;
    }
}
