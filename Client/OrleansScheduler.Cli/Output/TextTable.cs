using System.Text;

namespace OrleansScheduler.Cli.Output;

/// <summary>
/// A plain-text table: a header row, then one row per item, columns padded to their widest cell and separated by
/// two spaces; numeric columns align right. Example:
/// <code>
/// ID       STATUS     LATE(ms)
/// nightly  scheduled       1.5
/// </code>
/// </summary>
internal sealed class TextTable
{
    private const string Gap = "  ";
    private readonly string[] _headers;
    private readonly bool[] _alignRight;
    private readonly List<string[]> _rows = [];

    /// <summary>A table with these columns; a header ending in <c>&gt;</c> aligns right (the marker is not shown).</summary>
    public TextTable(params string[] headers)
    {
        _alignRight = headers.Select(static h => h.EndsWith('>')).ToArray();
        _headers = headers.Select(static h => h.TrimEnd('>')).ToArray();
    }

    /// <summary>Adds a row; it must have one cell per column.</summary>
    public TextTable Add(params string[] cells)
    {
        if (cells.Length != _headers.Length)
            throw new ArgumentException($"a row needs {_headers.Length} cells (got {cells.Length})", nameof(cells));
        _rows.Add(cells);
        return this;
    }

    /// <summary>The table as lines ending in newlines, without trailing spaces.</summary>
    public override string ToString()
    {
        var widths = new int[_headers.Length];
        foreach (var row in _rows.Prepend(_headers))
        {
            for (var c = 0; c < row.Length; c++) widths[c] = Math.Max(widths[c], row[c].Length);
        }

        var text = new StringBuilder();
        foreach (var row in _rows.Prepend(_headers))
        {
            var line = new StringBuilder();
            for (var c = 0; c < row.Length; c++)
            {
                if (c > 0) line.Append(Gap);
                line.Append(_alignRight[c] ? row[c].PadLeft(widths[c]) : row[c].PadRight(widths[c]));
            }

            text.Append(line.ToString().TrimEnd()).Append('\n');
        }

        return text.ToString();
    }
}
