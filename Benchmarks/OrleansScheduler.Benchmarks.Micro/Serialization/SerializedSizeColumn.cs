using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Orleans.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansScheduler.Benchmarks.Micro.Serialization;

/// <summary>
/// Adds the serialized size of each benchmark's sample (named by the method's prefix before '_') to the summary.
/// Computed in the host process from the same deterministic samples the benchmarks use.
/// </summary>
internal sealed class SerializedSizeColumn : IColumn
{
    private readonly Lazy<Dictionary<string, int>> _sizes = new(() =>
    {
        using var services = SerializationSamples.CreateSerializerServices();
        var serializer = services.GetRequiredService<Serializer>();
        return SerializationSamples.Names.ToDictionary(s => s, s => SerializationSamples.SizeOf(serializer, s));
    });

    public string Id => nameof(SerializedSizeColumn);

    public string ColumnName => "Serialized";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Size of one serialized sample, in bytes";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var sample = benchmarkCase.Descriptor.WorkloadMethod.Name.Split('_')[0];
        return _sizes.Value.TryGetValue(sample, out var bytes) ? $"{bytes:N0} B" : "?";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
