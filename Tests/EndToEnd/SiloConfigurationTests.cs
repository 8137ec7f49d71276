using Xunit;

namespace OrleansScheduler.Tests.EndToEnd;

/// <summary>A bad option stops the silo at start with a message naming it.</summary>
public sealed class SiloConfigurationTests
{
    [Theory]
    [InlineData("--Scheduler:Partitions", "0", "SchedulerOptions.Partitions")]
    [InlineData("--Scheduler:DispatchLead", "00:05:00", "SchedulerOptions.DispatchLead")]
    [InlineData("--Scheduler:Wheel:SlotsPerLevel", "100", "WheelOptions.SlotsPerLevel")]
    public async Task BadOption_StopsTheSilo_NamingTheOption(string option, string value, string expected)
    {
        await using var silo = SiloProcess.Start(option, value);
        var exit = await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(2, exit);
        Assert.Contains(expected, silo.Output);
    }
}
