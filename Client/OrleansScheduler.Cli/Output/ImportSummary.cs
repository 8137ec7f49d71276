using System.Globalization;
using System.Text;
using OrleansScheduler.Jobs;

namespace OrleansScheduler.Cli.Output;

/// <summary>What <c>import</c> prints as text.</summary>
internal static class ImportSummary
{
    /// <summary>
    /// <c>created 999,998, unchanged 1, updated 0, failed 1</c>, then <c>id: reason</c> for each refused definition up
    /// to <paramref name="maxFailures"/>, then how many more were left out.
    /// </summary>
    public static string Render(BulkCreateResult result, int maxFailures)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"created {result.Created:N0}, unchanged {result.Unchanged:N0}, updated {result.Updated:N0}, failed {result.Failed.Count:N0}\n");
        foreach (var item in result.Failed.Take(maxFailures))
            text.Append(CultureInfo.InvariantCulture, $"{(item.JobId.Length == 0 ? TextFormat.None : item.JobId)}: {TextFormat.OneLine(item.Error, 300)}\n");
        if (result.Failed.Count > maxFailures)
            text.Append(CultureInfo.InvariantCulture, $"… and {result.Failed.Count - maxFailures:N0} more failures (--json lists them all)\n");
        return text.ToString();
    }
}
