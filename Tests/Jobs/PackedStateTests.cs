using OrleansScheduler.Grains.Jobs;
using OrleansScheduler.Jobs;
using Xunit;

namespace OrleansScheduler.Tests.Jobs;

public sealed class PackedStateTests
{
    [Fact]
    public void PackThenUnpack_GivesBackEveryEntry_WithNonAsciiIdsAndExtremeTimes()
    {
        var wakes = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["reports/daily"] = DateTimeOffset.Parse("2027-01-01T00:00:00Z").UtcTicks,
            ["tâche-été-日本-🚀"] = DateTimeOffset.MaxValue.UtcTicks,
            ["x"] = 0,
            [new string('a', 1_000)] = 42,
        };

        var packed = JobWakeIndexGrain.Pack(wakes);
        var back = new Dictionary<string, long>(StringComparer.Ordinal);
        JobWakeIndexGrain.Unpack(packed, back);

        Assert.Equal(wakes.OrderBy(w => w.Key, StringComparer.Ordinal), back.OrderBy(w => w.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void EmptyBucket_PacksToNothing_AndUnpacksToNothing()
    {
        Assert.Null(JobWakeIndexGrain.Pack([]));
        var back = new Dictionary<string, long>();
        JobWakeIndexGrain.Unpack(null, back);
        Assert.Empty(back);
    }

    [Fact]
    public void ListingRows_PackThenUnpack_KeepEveryFieldAndTheOffset()
    {
        JobSummary[] rows =
        [
            new("reports/daily", "http", JobStatus.Scheduled, "cron 0 6 * * * (Europe/Paris)", DateTimeOffset.Parse("2026-11-25T06:00:00+01:00")),
            new("été-🚀", "log", JobStatus.Paused, "every 250ms", DateTimeOffset.Parse("2026-11-25T19:00:00.1234567Z")),
            new("done", "noop", JobStatus.Completed, "at 2026-11-25T00:00:00Z", DateTimeOffset.Parse("2026-11-24T23:59:59-05:30")),
        ];

        var back = JobIndexGrain.Unpack(JobIndexGrain.Pack(rows)).ToArray();

        Assert.Equal(rows, back);
        Assert.Equal(rows.Select(r => r.UpdatedAt.Offset), back.Select(r => r.UpdatedAt.Offset));
        Assert.Null(JobIndexGrain.Pack([]));
        Assert.Empty(JobIndexGrain.Unpack(null));
    }
}
