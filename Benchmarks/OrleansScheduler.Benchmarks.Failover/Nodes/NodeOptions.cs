using System.Globalization;
using OrleansScheduler.Benchmarks.Failover.Harness;

namespace OrleansScheduler.Benchmarks.Failover.Nodes;

/// <summary>The command line of a scheduler process: its slot and link, then the harness' options it runs with.</summary>
public sealed record NodeOptions(string Target, int Node, int HarnessPort, string Store, int SiloPort, int GatewayPort, FailoverOptions Run)
{
    public static NodeOptions Parse(IReadOnlyList<string> args)
    {
        string? target = null, store = null;
        int node = -1, harnessPort = 0, siloPort = 0, gatewayPort = 0;
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--target": target = Value(); rest.AddRange(["--target", target]); break;
                case "--node": node = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--harness-port": harnessPort = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--store": store = Value(); break;
                case "--silo-port": siloPort = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--gateway-port": gatewayPort = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                default: rest.Add(args[i]); break;
            }
        }
        if (target is null || store is null || node < 0 || harnessPort == 0)
            throw new ArgumentException("node mode needs --target, --node, --harness-port and --store (the harness starts it)");
        return new NodeOptions(target, node, harnessPort, store, siloPort, gatewayPort, FailoverOptions.Parse(rest));
    }
}
