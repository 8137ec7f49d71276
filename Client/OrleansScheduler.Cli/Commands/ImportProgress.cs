using System.Globalization;

namespace OrleansScheduler.Cli.Commands;

/// <summary>
/// Prints <c>imported 150,000/1,000,000</c> to stderr as <c>import</c> goes, at most once per <see cref="Interval"/>
/// and never for the last report (the summary follows it). Safe to report from several threads.
/// </summary>
/// <param name="error">Where the lines go (stderr).</param>
/// <param name="time">Clock that spaces the lines.</param>
/// <param name="total">Definitions submitted.</param>
internal sealed class ImportProgress(TextWriter error, TimeProvider time, int total) : IProgress<int>
{
    /// <summary>Least time between two lines: 2 s.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private long _lastPrinted = time.GetTimestamp();
    private int _handled;

    /// <summary>Records that <paramref name="value"/> definitions have been handled; prints when the interval has passed.</summary>
    public void Report(int value)
    {
        lock (_lock)
        {
            // Batches finish out of order; the count only goes up.
            if (value <= _handled) return;
            _handled = value;
            if (_handled >= total || time.GetElapsedTime(_lastPrinted) < Interval) return;
            _lastPrinted = time.GetTimestamp();
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"imported {_handled:N0}/{total:N0}"));
        }
    }
}
