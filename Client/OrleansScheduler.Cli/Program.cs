using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansScheduler.Cli;
using OrleansScheduler.Cli.Commands;
using OrleansScheduler.Cli.Parsing;
using OrleansScheduler.Client;

// orleans-scheduler: parse → connect → run one command → map failures to exit codes (see ExitCodes).
using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    interrupt.Cancel();
};

CliInvocation invocation;
try
{
    invocation = CommandLine.Parse(args, Environment.GetEnvironmentVariable);
}
catch (UsageException e)
{
    await Console.Error.WriteLineAsync($"error: {e.Message}");
    return ExitCodes.Usage;
}

if (invocation.Command is HelpCommand help)
{
    await Console.Out.WriteAsync(HelpText.For(help.Topic));
    return ExitCodes.Ok;
}

var globals = invocation.Globals;
var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
builder.Logging.SetMinimumLevel(globals.Verbose ? LogLevel.Warning : LogLevel.None);
if (globals.Verbose) builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
builder.AddJobSchedulerClient(o =>
{
    o.GatewayPort = globals.Port;
    if (globals.ClusterId is { } clusterId) o.ClusterId = clusterId;
    if (globals.ServiceId is { } serviceId) o.ServiceId = serviceId;
    if (globals.ConnectTimeout is { } timeout) o.ConnectTimeout = timeout;
    o.RedisConnectionString = globals.Redis;
});

using var host = builder.Build();
// Once started, the host's console lifetime takes over Ctrl+C and SIGTERM and only asks the application to stop.
using var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(interrupt.Cancel);
try
{
    await StartAsync(host, globals, interrupt.Token);
    var context = new CommandContext(host.Services.GetRequiredService<IJobScheduler>(), Console.In, Console.Out, Console.Error, globals.Json, TimeProvider.System);
    return await invocation.Command.ExecuteAsync(context, interrupt.Token);
}
catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync("error: interrupted");
    return ExitCodes.Interrupted;
}
catch (Exception e)
{
    var (exitCode, message) = ErrorMapper.Map(e);
    await Console.Error.WriteLineAsync($"error: {message}");
    return exitCode;
}
finally
{
    // A clean stop closes the gateway connection at once; it must not hang the shell when the cluster is gone.
    using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
    await host.StopAsync(stopTimeout.Token).ConfigureAwait(false);
}

static async Task StartAsync(IHost host, GlobalOptions globals, CancellationToken cancellationToken)
{
    try
    {
        await host.StartAsync(cancellationToken);
    }
    catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
    {
        if (e is OptionsValidationException) throw;
        var where = globals.Redis is { } redis ? $"through Redis at {Endpoints(redis)}" : $"at localhost:{globals.Port}";
        throw new ClusterUnreachableException($"cannot reach the cluster {where} (cluster id '{globals.ClusterId ?? "orleans-scheduler"}', service id '{globals.ServiceId ?? "orleans-scheduler"}')", e);
    }
}

// The endpoints only: a connection string may carry a password.
static string Endpoints(string redis) => string.Join(",", StackExchange.Redis.ConfigurationOptions.Parse(redis).EndPoints.Select(e => e switch
{
    System.Net.DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
    _ => e.ToString(),
}));
