using OrleansScheduler.Grains.Jobs;
using Xunit;

namespace OrleansScheduler.Tests.Jobs;

public sealed class WakeIndexPackingTests
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
}
