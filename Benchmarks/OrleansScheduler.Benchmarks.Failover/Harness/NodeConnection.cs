using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace OrleansScheduler.Benchmarks.Failover.Harness;

/// <summary>A scheduler process as the harness sees it on the link: who it is, and how to tell it what to do.</summary>
/// <param name="node">Slot 0..N-1.</param>
/// <param name="pid">Process id.</param>
/// <param name="siloPort">Ours: the silo port (how membership reports name it); Quartz: 0.</param>
/// <param name="identity">Ours: the silo generation; Quartz: the scheduler instance id.</param>
/// <param name="stream">The link, for commands.</param>
public sealed class NodeConnection(int node, int pid, int siloPort, string identity, NetworkStream stream)
{
    private readonly SemaphoreSlim _send = new(1, 1);

    public int Node => node;
    public int Pid => pid;
    public int SiloPort => siloPort;
    public string Identity => identity;
    public long Generation => long.TryParse(identity, NumberStyles.Integer, CultureInfo.InvariantCulture, out var g) ? g : 0;
    public TaskCompletionSource Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource<string> Created { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Sends one command line (<c>CREATE &lt;epoch ticks&gt;</c>, <c>QUIT</c>).</summary>
    public async Task SendAsync(string command, CancellationToken cancellationToken)
    {
        await _send.WaitAsync(cancellationToken);
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\n"), cancellationToken);
        }
        finally
        {
            _send.Release();
        }
    }
}
