using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansScheduler.Grains.Hosting;
using OrleansScheduler.Silo;

// The embedded default: one silo on localhost, job state, reminders and streams in memory, no services needed.
// Configuration comes from appsettings.json, environment variables (Scheduler__DispatchLead=00:00:00.5) and the
// command line (--Silo:GatewayPort 30001 --Scheduler:Partitions 32), the usual .NET way.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
var silo = builder.Configuration.GetSection(SiloHostOptions.SectionName).Get<SiloHostOptions>() ?? new SiloHostOptions();
try
{
    silo.Validate();
}
catch (InvalidOperationException e)
{
    Console.Error.WriteLine($"error: invalid configuration: {e.Message}");
    return 2;
}

builder.UseOrleans(orleans => orleans
    .UseLocalhostClustering(silo.SiloPort, silo.GatewayPort, serviceId: silo.ServiceId, clusterId: silo.ClusterId)
    .AddJobScheduler()
    .UseInMemoryJobStore());

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
