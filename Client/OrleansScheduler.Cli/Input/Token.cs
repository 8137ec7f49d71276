using System.Text.Json;

namespace OrleansScheduler.Cli.Input;

/// <summary>Names the JSON token a converter did not expect, for its error message.</summary>
internal static class Token
{
    /// <summary><c>a number (5)</c>, <c>an object</c>, <c>null</c>…</summary>
    public static string Describe(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number => $"a number ({System.Text.Encoding.UTF8.GetString(reader.ValueSpan)})",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        var other => other.ToString(),
    };
}
