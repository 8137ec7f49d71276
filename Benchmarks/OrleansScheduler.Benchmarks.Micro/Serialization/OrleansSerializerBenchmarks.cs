using System.Buffers;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OrleansScheduler.Execution;
using OrleansScheduler.Grains.Jobs;
using ExecutionRecord = OrleansScheduler.Execution.Execution;

namespace OrleansScheduler.Benchmarks.Micro.Serialization;

/// <summary>
/// The Orleans serializer on what the scheduler writes most: a job's persisted <see cref="JobState"/> (definition and
/// watermark; written on every status change and once per dispatch block), its <see cref="JobHistoryState"/> of 50
/// outcomes (written lazily), one <see cref="ExecutionRecord"/> (job to worker) and an <see cref="ExecutionBatch"/> of 100
/// (one stream event). Serialize writes into a reused buffer, so its allocations
/// are the serializer's own; RoundTrip adds deserializing into new objects.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
[Config(typeof(Config))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class OrleansSerializerBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256 * 1024);
    private ServiceProvider? _services;
    private Serializer _serializer = null!;
    private JobState _jobState = null!;
    private JobHistoryState _jobHistory = null!;
    private ExecutionRecord _execution = null!;
    private ExecutionBatch _batch = null!;

    [GlobalSetup]
    public void Setup()
    {
        _services = SerializationSamples.CreateSerializerServices();
        _serializer = _services.GetRequiredService<Serializer>();
        _jobState = SerializationSamples.JobState();
        _jobHistory = SerializationSamples.JobHistory();
        _execution = SerializationSamples.Execution();
        _batch = SerializationSamples.Batch();
        foreach (var sample in SerializationSamples.Names)
        {
            Console.WriteLine($"// Serialized size of {sample}: {SerializationSamples.SizeOf(_serializer, sample)} bytes");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _services?.Dispose();

    [Benchmark, BenchmarkCategory("JobState")]
    public int JobState_Serialize() => Serialize(_jobState);

    [Benchmark, BenchmarkCategory("JobState")]
    public JobState JobState_RoundTrip() => RoundTrip(_jobState);

    [Benchmark, BenchmarkCategory("JobHistory")]
    public int JobHistory_Serialize() => Serialize(_jobHistory);

    [Benchmark, BenchmarkCategory("JobHistory")]
    public JobHistoryState JobHistory_RoundTrip() => RoundTrip(_jobHistory);

    [Benchmark, BenchmarkCategory("Execution")]
    public int Execution_Serialize() => Serialize(_execution);

    [Benchmark, BenchmarkCategory("Execution")]
    public ExecutionRecord Execution_RoundTrip() => RoundTrip(_execution);

    [Benchmark, BenchmarkCategory("Batch")]
    public int Batch_Serialize() => Serialize(_batch);

    [Benchmark, BenchmarkCategory("Batch")]
    public ExecutionBatch Batch_RoundTrip() => RoundTrip(_batch);

    private int Serialize<T>(T value)
    {
        _buffer.ResetWrittenCount();
        _serializer.Serialize(value, _buffer);
        return _buffer.WrittenCount;
    }

    private T RoundTrip<T>(T value)
        where T : class
    {
        Serialize(value);
        return _serializer.Deserialize<T>(_buffer.WrittenMemory) ?? throw new InvalidOperationException($"{typeof(T).Name} deserialized to null.");
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new SerializedSizeColumn());
    }
}
