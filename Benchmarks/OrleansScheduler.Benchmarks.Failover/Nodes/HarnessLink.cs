using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace OrleansScheduler.Benchmarks.Failover.Nodes;

/// <summary>
/// A scheduler process' end of the loopback link to the harness. Handlers call <see cref="Record"/> as their first
/// action; one writer loop sends whatever is queued in one write as soon as it is queued, so a <c>kill -9</c> loses
/// only what was recorded in the last moment. When the harness goes away the process exits: no orphans.
/// </summary>
public sealed class HarnessLink : IAsyncDisposable
{
    private readonly TcpClient _client = new() { NoDelay = true };
    private readonly Channel<string> _out = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<string> _commands = Channel.CreateUnbounded<string>();
    private Task? _writer;
    private Task? _reader;
    private volatile bool _closing;

    public async Task ConnectAsync(int port, CancellationToken cancellationToken)
    {
        await _client.ConnectAsync("127.0.0.1", port, cancellationToken);
        var stream = _client.GetStream();
        _writer = WriteAsync(stream);
        _reader = ReadAsync(stream);
    }

    /// <summary>Commands from the harness, one line each.</summary>
    public ChannelReader<string> Commands => _commands.Reader;

    public void Send(string line) => _out.Writer.TryWrite(line);

    /// <summary>Reports one handler start.</summary>
    public void Record(int job, DateTimeOffset scheduled, DateTimeOffset started) =>
        _out.Writer.TryWrite(string.Create(CultureInfo.InvariantCulture, $"E {job} {scheduled.UtcTicks} {started.UtcTicks}"));

    public void Note(string text) => Send("NOTE " + text.ReplaceLineEndings(" "));

    private async Task WriteAsync(NetworkStream stream)
    {
        var builder = new StringBuilder();
        var reader = _out.Reader;
        try
        {
            while (await reader.WaitToReadAsync())
            {
                builder.Clear();
                while (builder.Length < 60_000 && reader.TryRead(out var line)) builder.Append(line).Append('\n');
                await stream.WriteAsync(Encoding.ASCII.GetBytes(builder.ToString()));
            }
        }
        catch (IOException) when (!_closing)
        {
            Environment.Exit(3);
        }
    }

    private async Task ReadAsync(NetworkStream stream)
    {
        using var reader = new StreamReader(stream);
        try
        {
            while (await reader.ReadLineAsync() is { } line) await _commands.Writer.WriteAsync(line);
        }
        catch (IOException)
        {
        }
        if (_closing) return;
        // The harness is gone: nothing would read our records, so stop.
        Console.Error.WriteLine("harness link closed; exiting");
        Environment.Exit(3);
    }

    public async ValueTask DisposeAsync()
    {
        _closing = true;
        _out.Writer.TryComplete();
        if (_writer is not null) await _writer;
        _client.Dispose();
        _ = _reader;
    }
}
