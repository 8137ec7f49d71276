using OrleansScheduler.Execution;
using OrleansScheduler.Tests.Readme;
using Xunit;

namespace OrleansScheduler.Tests.EndToEnd;

/// <summary>The README's embedding sample, run against the silo executable: it creates its job and watches an execution.</summary>
public sealed class EmbeddingSampleTests
{
    [Fact]
    public async Task ReadmeSample_CreatesItsJob_AndWatchesItsExecutions()
    {
        await using var silo = SiloProcess.Start();
        await silo.WaitForOutputAsync(o => o.Contains("Application started"), TimeSpan.FromSeconds(60));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        // The job is nightly; trigger it until the watch (subscribed on its first read) sees a run.
        var outcome = await EmbeddingSample.RunAsync([], silo.GatewayPort, scheduler =>
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    while (true)
                    {
                        await Task.Delay(500, timeout.Token);
                        await scheduler.TriggerAsync("reports/nightly", timeout.Token);
                    }
                }
                catch (Exception) when (timeout.IsCancellationRequested)
                {
                    // The sample has stopped its client; the test is over.
                }
            });
            return Task.CompletedTask;
        }, timeout.Token);
        timeout.Cancel();

        Assert.NotNull(outcome);
        Assert.Equal(ExecutionStatus.Succeeded, outcome.Status);
        Assert.StartsWith("reports/nightly@!", outcome.ExecutionId);
    }
}
