using System.Globalization;
using OrleansScheduler.Jobs;
using Xunit;

namespace OrleansScheduler.Tests.Schedules;

/// <summary>Small helpers for writing and asserting instants in schedule tests.</summary>
internal static class Instants
{
    /// <summary>Parses an ISO 8601 instant such as <c>2026-03-29T01:00:00Z</c> or <c>2026-06-01T10:00:00+02:00</c>.</summary>
    public static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture);

    /// <summary>Same as <see cref="At"/>; reads better where the text is UTC.</summary>
    public static DateTimeOffset Utc(string iso) => At(iso);

    /// <summary>The next <paramref name="count"/> occurrences strictly after <paramref name="after"/>.</summary>
    public static DateTimeOffset[] Take(CompiledSchedule schedule, DateTimeOffset after, int count) =>
        [.. schedule.Between(after, DateTimeOffset.MaxValue, count)];

    /// <summary>Asserts the exact instants, in order, and that each is returned with offset zero.</summary>
    public static void AssertUtc(IEnumerable<DateTimeOffset> actual, params string[] expectedUtc)
    {
        var list = actual.ToList();
        Assert.Equal(expectedUtc.Select(Utc), list);
        Assert.All(list, t => Assert.Equal(TimeSpan.Zero, t.Offset));
    }
}
