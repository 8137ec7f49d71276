using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansScheduler.Grains.Hosting;
using OrleansScheduler.Silo;

// Two ways to run: the embedded default (one silo on localhost, job state, reminders and streams in memory, no
// services needed), or, when ConnectionStrings:Redis is set, a silo of a cluster whose membership, reminders and job
// state live in Redis. Configuration comes from appsettings.json (and appsettings.{Environment}.json), environment
// variables (ConnectionStrings__Redis=10.0.0.5:6379, Scheduler__DispatchLead=00:00:00.5) and the command line
// (--redis 127.0.0.1:6379 --Silo:GatewayPort 30001 --Scheduler:Partitions 32), the usual .NET way.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddCommandLine(args, new Dictionary<string, string> { ["--redis"] = "ConnectionStrings:Redis" });
var silo = builder.Configuration.GetSection(SiloHostOptions.SectionName).Get<SiloHostOptions>() ?? new SiloHostOptions();
var redis = builder.Configuration.GetConnectionString("Redis");
try
{
    silo.Validate();
    if (silo.RequireRedis && string.IsNullOrWhiteSpace(redis))
        throw new InvalidOperationException("ConnectionStrings:Redis must be set (env ConnectionStrings__Redis or --redis host:port) when Silo:RequireRedis is true.");
    builder.UseOrleans(orleans =>
    {
        if (string.IsNullOrWhiteSpace(redis))
        {
            orleans.UseLocalhostClustering(silo.SiloPort, silo.GatewayPort, serviceId: silo.ServiceId, clusterId: silo.ClusterId)
                .AddJobScheduler()
                .UseInMemoryJobStore();
            return;
        }

        orleans.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (silo.ClusterId, silo.ServiceId))
            .ConfigureEndpoints(silo.AdvertisedIPAddress, silo.SiloPort, silo.GatewayPort)
            .AddJobScheduler()
            .UseRedisJobStore(redis);
    });
}
catch (InvalidOperationException e)
{
    Console.Error.WriteLine($"error: invalid configuration: {e.Message}");
    return 2;
}
catch (ArgumentException e) when (e.ParamName == "connectionString")
{
    // The message names the API's parameter; the operator knows the setting.
    var reason = e.Message.Replace($" (Parameter '{e.ParamName}')", "").Replace("connectionString ", "", StringComparison.Ordinal);
    Console.Error.WriteLine($"error: invalid configuration: ConnectionStrings:Redis {reason}");
    return 2;
}

using var host = builder.Build();
try
{
    await host.RunAsync();
    return 0;
}
catch (OptionsValidationException e)
{
    Console.Error.WriteLine($"error: invalid configuration: {string.Join(" ", e.Failures)}");
    return 2;
}
catch (Exception) when (host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested)
{
    // Stopped (Ctrl+C, SIGTERM) before it had started, e.g. while it waited for Redis: not a failure.
    Console.Error.WriteLine("the silo stopped before it had started");
    return 0;
}
catch (Exception e)
{
    // The host has logged the details; one line for the operator (and exit 1 for systemd's Restart=on-failure).
    Console.Error.WriteLine($"error: the silo stopped: {e.GetType().Name}: {e.Message}");
    return 1;
}
