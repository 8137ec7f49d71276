using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansScheduler.Client;
using OrleansScheduler.Execution;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Tests.Readme;

/// <summary>
/// The README's "embed the client in your service" sample. The lines between the sample markers are copied into
/// README.md verbatim (a test keeps the two identical), and the end-to-end tests run it against a real silo.
/// </summary>
public static class EmbeddingSample
{
    public static async Task<ExecutionOutcome?> RunAsync(string[] args, int gatewayPort, Func<IJobScheduler, Task>? afterCreate, CancellationToken stoppingToken)
    {
        // <sample>
        var builder = Host.CreateApplicationBuilder(args);
        builder.AddJobSchedulerClient(o => o.GatewayPort = gatewayPort); // connects to the silo's gateway (default 30000)
        using var host = builder.Build();
        await host.StartAsync(stoppingToken);

        var scheduler = host.Services.GetRequiredService<IJobScheduler>();
        await scheduler.CreateAsync(new JobDefinition
        {
            Id = "reports/nightly",
            Schedule = ScheduleSpec.Cron("0 30 2 * * *", "Europe/London"), // 02:30:00 London time, DST-aware
            Handler = "log",
            Payload = """{"report":"sales"}""",
            Timeout = TimeSpan.FromMinutes(5),
            Retry = new RetryPolicy { MaxAttempts = 3, InitialBackoff = TimeSpan.FromSeconds(10) },
        }, upsert: true);

        // </sample>
        if (afterCreate is not null) await afterCreate(scheduler);
        ExecutionOutcome? first = null;
        // <sample>
        await foreach (var outcome in scheduler.WatchAsync("reports/nightly", stoppingToken))
        {
            Console.WriteLine($"{outcome.ExecutionId} attempt {outcome.Attempt}: {outcome.Status}");
            // </sample>
            first = outcome;
            break;
            // <sample>
        }
        // </sample>
        await host.StopAsync(CancellationToken.None);
        return first;
    }
}
