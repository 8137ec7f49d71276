using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Configuration;
using OrleansScheduler.Client;
using Xunit;

namespace OrleansScheduler.Tests.Cli;

// The client hosting extension the CLI builds its host with; no cluster is started.
public class JobSchedulerClientExtensionsTests
{
    private static HostApplicationBuilder Builder(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        return builder;
    }

    [Fact]
    public void AddJobSchedulerClient_NoConfiguration_UsesDefaults()
    {
        var builder = Builder();
        builder.AddJobSchedulerClient();
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptions<JobSchedulerClientOptions>>().Value;
        Assert.Equal((30000, "orleans-scheduler", "orleans-scheduler", TimeSpan.FromSeconds(10)), (options.GatewayPort, options.ClusterId, options.ServiceId, options.ConnectTimeout));
        Assert.NotNull(host.Services.GetRequiredService<IJobScheduler>());
    }

    [Fact]
    public void AddJobSchedulerClient_CalledTwice_RegistersOnceAndAppliesBothDelegatesAfterConfiguration()
    {
        var builder = Builder(("Scheduler:Client:GatewayPort", "30001"), ("Scheduler:Client:ClusterId", "from-config"));
        builder.AddJobSchedulerClient(o => o.ServiceId = "svc");
        builder.AddJobSchedulerClient(o => o.GatewayPort = 30002);
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptions<JobSchedulerClientOptions>>().Value;
        Assert.Equal((30002, "from-config", "svc"), (options.GatewayPort, options.ClusterId, options.ServiceId));
        Assert.Single(builder.Services, d => d.ServiceType == typeof(IJobScheduler));
        var cluster = host.Services.GetRequiredService<IOptions<ClusterOptions>>().Value;
        Assert.Equal(("from-config", "svc"), (cluster.ClusterId, cluster.ServiceId));
        var gateway = Assert.Single(host.Services.GetRequiredService<IOptions<StaticGatewayListProviderOptions>>().Value.Gateways);
        Assert.Equal(30002, gateway.Port);
    }

    [Fact]
    public async Task AddJobSchedulerClient_BadPort_FailsAtStartNamingTheOption()
    {
        var builder = Builder();
        builder.AddJobSchedulerClient(o => o.GatewayPort = 0);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("JobSchedulerClientOptions.GatewayPort", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectTimeoutRetryFilter_RetriesUntilTheTimeoutThenGivesUp()
    {
        var time = new FakeTimeProvider();
        var filter = new ConnectTimeoutRetryFilter(Options.Create(new JobSchedulerClientOptions { ConnectTimeout = TimeSpan.FromSeconds(1) }), time);
        var failure = new InvalidOperationException("refused");

        var first = filter.ShouldRetryConnectionAttempt(failure, CancellationToken.None);
        Assert.False(first.IsCompleted);
        time.Advance(ConnectTimeoutRetryFilter.RetryDelay);
        Assert.True(await first.WaitAsync(TimeSpan.FromSeconds(10)));

        var second = filter.ShouldRetryConnectionAttempt(failure, CancellationToken.None);
        time.Advance(ConnectTimeoutRetryFilter.RetryDelay);
        Assert.True(await second.WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.False(await filter.ShouldRetryConnectionAttempt(failure, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
