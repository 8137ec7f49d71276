using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Clustering.Redis;
using Orleans.Configuration;
using Orleans.Messaging;
using Orleans.Persistence;
using Orleans.Storage;
using OrleansScheduler.Cli.Parsing;
using OrleansScheduler.Client;
using OrleansScheduler.Grains;
using OrleansScheduler.Grains.Hosting;
using OrleansScheduler.Tests.EndToEnd;
using Xunit;

namespace OrleansScheduler.Tests.Redis;

/// <summary>What selecting Redis configures, read from built (not started) hosts; no Redis server needed.</summary>
public sealed class RedisConfigurationTests
{
    private static IHost SiloHost(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.UseOrleans(silo => silo.AddJobScheduler().UseRedisJobStore("127.0.0.1:1"));
        return builder.Build();
    }

    [Fact]
    public void UseRedisJobStore_TunesFailoverAndKeepsTheBinaryJobSerializer()
    {
        using var host = SiloHost();
        var membership = host.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
        Assert.Equal(
            (TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), 2, 1, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)),
            (membership.MinProbeTimeout, membership.ProbeTimeout, membership.MaxProbeTimeout, membership.NumMissedProbesLimit,
                membership.NumVotesForDeathDeclaration, membership.TableRefreshTimeout, membership.IAmAliveTablePublishTimeout));
        Assert.Equal(TimeSpan.FromSeconds(3), host.Services.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value.RangeLeaseDuration);

        var storage = host.Services.GetRequiredService<IOptionsMonitor<RedisStorageOptions>>();
        Assert.IsType<OrleansGrainStorageSerializer>(storage.Get(StorageNames.Jobs).GrainStorageSerializer);
        Assert.NotNull(storage.Get(StorageNames.PubSub).ConfigurationOptions);
        var clustering = host.Services.GetRequiredService<IOptions<RedisClusteringOptions>>().Value;
        Assert.False(clustering.ConfigurationOptions!.AbortOnConnectFail);
    }

    [Fact]
    public void UseRedisJobStore_FailoverSection_OverridesOrDisablesTheTuning()
    {
        using (var tuned = SiloHost(("Scheduler:Failover:ProbeTimeout", "00:00:00.800"), ("Scheduler:Failover:DirectoryRangeLeaseDuration", "00:00:05")))
        {
            Assert.Equal(TimeSpan.FromMilliseconds(800), tuned.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value.ProbeTimeout);
            Assert.Equal(TimeSpan.FromSeconds(5), tuned.Services.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value.RangeLeaseDuration);
        }
        using var orleansDefaults = SiloHost(("Scheduler:Failover:Enabled", "false"));
        Assert.Equal(new ClusterMembershipOptions().ProbeTimeout, orleansDefaults.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value.ProbeTimeout);
        Assert.Equal(new GrainDirectoryOptions().RangeLeaseDuration, orleansDefaults.Services.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value.RangeLeaseDuration);
    }

    [Theory]
    [InlineData("ProbeTimeout", "00:00:05", "FailoverDetectionOptions.ProbeTimeout")]
    [InlineData("NumVotesForDeathDeclaration", "0", "FailoverDetectionOptions.NumVotesForDeathDeclaration")]
    [InlineData("DirectoryRangeLeaseDuration", "00:00:00", "FailoverDetectionOptions.DirectoryRangeLeaseDuration")]
    public void FailoverOptions_BadValue_NamesTheOption(string option, string value, string expected)
    {
        using var host = SiloHost(($"Scheduler:Failover:{option}", value));
        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<FailoverDetectionOptions>>().Value);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:6379,nonsense=1")]
    [InlineData(",")]
    public void UseRedisJobStore_BadConnectionString_Throws(string connectionString)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var error = Assert.Throws<ArgumentException>(() => builder.UseOrleans(silo => silo.UseRedisJobStore(connectionString)));
        Assert.Equal("connectionString", error.ParamName);
    }

    private static IHost ClientHost(Action<JobSchedulerClientOptions>? configure, params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.AddJobSchedulerClient(configure);
        return builder.Build();
    }

    [Fact]
    public void Client_WithConnectionStringsRedis_FindsGatewaysInRedis()
    {
        using var host = ClientHost(null, ("ConnectionStrings:Redis", "127.0.0.1:6379"));
        Assert.Equal("127.0.0.1:6379", host.Services.GetRequiredService<IOptions<JobSchedulerClientOptions>>().Value.RedisConnectionString);
        Assert.IsNotType<StaticGatewayListProvider>(host.Services.GetRequiredService<IGatewayListProvider>());
        Assert.False(host.Services.GetRequiredService<IOptions<RedisClusteringOptions>>().Value.ConfigurationOptions!.AbortOnConnectFail);
    }

    [Fact]
    public void Client_OptionBeatsConnectionStrings_AndNoneMeansTheLocalGateway()
    {
        using (var host = ClientHost(null, ("ConnectionStrings:Redis", "127.0.0.1:6379"), ("Scheduler:Client:RedisConnectionString", "10.1.2.3:6380")))
            Assert.Equal("10.1.2.3:6380", host.Services.GetRequiredService<IOptions<JobSchedulerClientOptions>>().Value.RedisConnectionString);
        using var local = ClientHost(o => o.GatewayPort = 30005);
        Assert.IsType<StaticGatewayListProvider>(local.Services.GetRequiredService<IGatewayListProvider>());
    }

    [Fact]
    public async Task Client_BadConnectionString_FailsAtStartNamingTheOption()
    {
        using var host = ClientHost(o => o.RedisConnectionString = "127.0.0.1:6379,nonsense=1");
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("JobSchedulerClientOptions.RedisConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cli_RedisOption_BeatsTheEnvironmentVariable()
    {
        string? Environment(string name) => name == GlobalOptions.RedisVariable ? "10.0.0.5:6379" : null;
        Assert.Equal("127.0.0.1:7000", CommandLine.Parse(["--redis", "127.0.0.1:7000", "list"], Environment).Globals.Redis);
        Assert.Equal("10.0.0.5:6379", CommandLine.Parse(["list"], Environment).Globals.Redis);
        Assert.Null(CommandLine.Parse(["list"], _ => null).Globals.Redis);
    }

    [Theory]
    [InlineData("--redis", "127.0.0.1:1,nonsense=1", "option --redis")]
    [InlineData("--redis", " ", "option --redis")]
    public void Cli_BadRedisOption_NamesIt(string option, string value, string expected)
    {
        var error = Assert.Throws<UsageException>(() => CommandLine.Parse([option, value, "list"], _ => null));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Scheduler:Failover:ProbeTimeout", "00:00:05", "FailoverDetectionOptions.ProbeTimeout")]
    [InlineData("--Silo:AdvertisedAddress", "not-an-ip", "Silo:AdvertisedAddress")]
    [InlineData("--redis", "127.0.0.1:1,nonsense=1", "ConnectionStrings:Redis is not a Redis connection string")]
    public async Task Silo_BadRedisModeOption_StopsNamingIt(string option, string value, string expected)
    {
        // Port 1: nothing listens there, and the silo must stop on the bad option before it would wait for Redis.
        var redis = option == "--redis" ? [] : new[] { "--redis", "127.0.0.1:1" };
        await using var silo = SiloProcess.Start([.. redis, option, value]);
        Assert.Equal(2, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(expected, silo.Output);
    }
}
