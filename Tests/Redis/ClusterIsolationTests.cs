using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Xunit;

namespace OrleansScheduler.Tests.Redis;

/// <summary>Two clusters on one Redis server, told apart by their cluster id, each see only their own silos.</summary>
[Collection(RedisCollection.Name)]
public sealed class ClusterIsolationTests : IAsyncLifetime
{
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task TwoClusterIdsOnOneRedis_SeeOnlyTheirOwnSilos()
    {
        // Same service id on purpose: the cluster id alone must keep the memberships apart.
        var alphaStarting = RedisCluster.StartAsync(_redis, 2, "alpha");
        var betaStarting = RedisCluster.StartAsync(_redis, 1, "beta");
        await using var alpha = await alphaStarting;
        await using var beta = await betaStarting;

        foreach (var cluster in new[] { alpha, beta })
        {
            using var client = await cluster.ConnectClientAsync();
            var management = client.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
            var hosts = await management.GetDetailedHosts(onlyActive: true);
            Assert.Equal(
                cluster.Silos.Select(s => s.GatewayPort).Order(),
                hosts.Where(h => h.Status == SiloStatus.Active).Select(h => h.ProxyPort).Order());
        }
    }
}
