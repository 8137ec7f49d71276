namespace OrleansScheduler.Execution;

/// <summary>
/// Outcomes published together on the execution-event stream, packed (see <see cref="OutcomePacker"/>): one event per
/// batch, a few dozen bytes per outcome, keeps the stream cheap at high rates. <see cref="Items"/> unpacks on first use.
/// </summary>
[GenerateSerializer, Immutable, Alias("exec.ExecutionEventBatch")]
public sealed record ExecutionEventBatch([property: Id(1)] byte[] Packed)
{
    [NonSerialized] private IReadOnlyList<ExecutionOutcome>? _items;

    /// <summary>A batch of <paramref name="items"/>.</summary>
    public static ExecutionEventBatch Of(IEnumerable<ExecutionOutcome> items)
    {
        var packer = new OutcomePacker();
        foreach (var item in items) packer.Add(item);
        return new ExecutionEventBatch(packer.ToArray());
    }

    /// <summary>How many outcomes the batch holds.</summary>
    public int Count => OutcomeUnpacker.Count(Packed);

    /// <summary>The outcomes, in the order they were published.</summary>
    public IReadOnlyList<ExecutionOutcome> Items => _items ??= [.. OutcomeUnpacker.Read(Packed).Select(o => o.ToOutcome())];
}
