using OrleansScheduler.Grains.Hosting;
using Xunit;

namespace OrleansScheduler.Tests.Timing;

public sealed class WheelOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        Assert.True(new WheelOptionsValidator().Validate(null, new WheelOptions()).Succeeded);
    }

    [Theory]
    [InlineData(0.05, 512, 4, "WheelOptions.TickDuration", "00:00:00.0000500")]
    [InlineData(2000, 512, 4, "WheelOptions.TickDuration", "00:00:02")]
    [InlineData(1, 100, 4, "WheelOptions.SlotsPerLevel must be a power of two", "(was 100)")]
    [InlineData(1, 1, 4, "WheelOptions.SlotsPerLevel", "(was 1)")]
    [InlineData(1, 131_072, 4, "WheelOptions.SlotsPerLevel", "(was 131072)")]
    [InlineData(1, 512, 0, "WheelOptions.Levels", "(was 0)")]
    [InlineData(1, 512, 9, "WheelOptions.Levels", "(was 9)")]
    public void Validate_OutOfRange_FailsNamingFieldAndValue(double tickMs, int slots, int levels, string field, string value)
    {
        var options = new WheelOptions { TickDuration = TimeSpan.FromMilliseconds(tickMs), SlotsPerLevel = slots, Levels = levels };

        var result = new WheelOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var message = Assert.Single(result.Failures!);
        Assert.Contains(field, message, StringComparison.Ordinal);
        Assert.Contains(value, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MinWakeInterval", -1, "(was -00:00:00.0010000)")]
    [InlineData("MinWakeInterval", 11, "(was 00:00:00.0110000)")]
    [InlineData("CollectAhead", -1, "(was -00:00:00.0010000)")]
    [InlineData("CollectAhead", 101, "(was 00:00:00.1010000)")]
    public void Validate_DriverStretchOutOfRange_FailsNamingFieldAndValue(string field, double ms, string value)
    {
        var result = new WheelOptionsValidator().Validate(null, WithStretch(field, TimeSpan.FromMilliseconds(ms)));

        var message = Assert.Single(result.Failures!);
        Assert.Contains("WheelOptions." + field, message, StringComparison.Ordinal);
        Assert.Contains(value, message, StringComparison.Ordinal);
    }

    // Zero MinWakeInterval wakes the driver for every entry; zero CollectAhead collects entries at their due time.
    [Theory]
    [InlineData("MinWakeInterval")]
    [InlineData("CollectAhead")]
    public void Validate_DriverStretchZero_IsAllowed(string field)
    {
        Assert.True(new WheelOptionsValidator().Validate(null, WithStretch(field, TimeSpan.Zero)).Succeeded);
    }

    private static WheelOptions WithStretch(string field, TimeSpan value) =>
        field == "MinWakeInterval" ? new WheelOptions { MinWakeInterval = value } : new WheelOptions { CollectAhead = value };
}
