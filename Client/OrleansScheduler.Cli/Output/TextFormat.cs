using System.Globalization;
using System.Text.Json;

namespace OrleansScheduler.Cli.Output;

/// <summary>How values look in text output: instants in UTC to the millisecond, enums in kebab-case.</summary>
internal static class TextFormat
{
    /// <summary>Shown for an absent value.</summary>
    public const string None = "-";

    /// <summary><c>2026-01-31 06:00:00.000Z</c>.</summary>
    public static string Instant(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Like <see cref="Instant(DateTimeOffset)"/>, or <see cref="None"/>.</summary>
    public static string Instant(DateTimeOffset? value) => value is { } v ? Instant(v) : None;

    /// <summary>Milliseconds with one decimal: <c>1.5</c>, <c>-0.3</c>.</summary>
    public static string Millis(TimeSpan value) => value.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>An enum value in kebab-case: <c>TimedOut</c> → <c>timed-out</c>.</summary>
    public static string Name<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    /// <summary>One line of at most <paramref name="max"/> characters: line breaks become spaces, the rest is cut with <c>…</c>.</summary>
    public static string OneLine(string? text, int max)
    {
        if (string.IsNullOrEmpty(text)) return None;
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= max ? line : string.Concat(line.AsSpan(0, max - 1), "…");
    }
}
