using System.Globalization;

namespace OrleansScheduler.Jobs;

/// <summary>Reads and writes durations the way people type them: <c>250ms</c>, <c>5s</c>, <c>2m</c>, <c>1h30m</c>, <c>1d</c>.</summary>
public static class Durations
{
    /// <summary>Formats a duration compactly (<c>250ms</c>, <c>1m30s</c>).</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero) return "0s";
        if (value < TimeSpan.FromSeconds(1)) return value.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + "ms";
        var parts = new List<string>();
        if (value.Days > 0) parts.Add(value.Days + "d");
        if (value.Hours > 0) parts.Add(value.Hours + "h");
        if (value.Minutes > 0) parts.Add(value.Minutes + "m");
        if (value.Seconds > 0 || value.Milliseconds > 0)
            parts.Add(value.Milliseconds > 0 ? $"{value.Seconds}.{value.Milliseconds:000}s" : value.Seconds + "s");
        return string.Concat(parts);
    }

    /// <summary>Parses <c>250ms</c>, <c>5s</c>, <c>1.5s</c>, <c>2m</c>, <c>1h30m</c>, <c>1d</c>, or a .NET TimeSpan (<c>00:00:05</c>).</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        if (text.Contains(':')) return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);
        var total = TimeSpan.Zero;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsDigit(text[i]) || text[i] == '.')) i++;
            if (start == i || !double.TryParse(text.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)) return false;
            var unitStart = i;
            while (i < text.Length && char.IsLetter(text[i])) i++;
            var unit = text[unitStart..i].ToLowerInvariant();
            double ms = unit switch
            {
                "ms" => number,
                "s" or "sec" => number * 1_000,
                "m" or "min" => number * 60_000,
                "h" => number * 3_600_000,
                "d" => number * 86_400_000,
                _ => double.NaN,
            };
            if (double.IsNaN(ms) || ms > TimeSpan.MaxValue.TotalMilliseconds / 2) return false;
            total += TimeSpan.FromMilliseconds(ms);
        }
        value = total;
        return true;
    }
}
