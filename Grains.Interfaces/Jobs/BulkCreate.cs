namespace OrleansScheduler.Jobs;

/// <summary>What a bulk creation did with one definition: a result, or the error that kept it out.</summary>
/// <param name="JobId">The definition's id.</param>
/// <param name="Result">Created, unchanged or updated; null when <paramref name="Error"/> says why not.</param>
/// <param name="Error">Why the definition was refused (a validation message naming the field, or a conflict); else null.</param>
[GenerateSerializer, Immutable, Alias("jobs.BulkCreateItem")]
public readonly record struct BulkCreateItem(
    [property: Id(0)] string JobId,
    [property: Id(1)] CreateJobResult? Result,
    [property: Id(2)] string? Error);

/// <summary>
/// The outcome of <c>IJobScheduler.CreateManyAsync</c>: how many definitions were created, unchanged or updated, and
/// each one that was refused with its reason. One bad definition never keeps the others out.
/// </summary>
public sealed record BulkCreateResult
{
    /// <summary>Definitions handed in.</summary>
    public int Total { get; init; }

    /// <summary>New jobs.</summary>
    public int Created { get; init; }

    /// <summary>Jobs that existed with the same definition.</summary>
    public int Unchanged { get; init; }

    /// <summary>Jobs replaced (upsert only).</summary>
    public int Updated { get; init; }

    /// <summary>Definitions refused, with the reason (validation, conflict, duplicate id in the request).</summary>
    public IReadOnlyList<BulkCreateItem> Failed { get; init; } = [];
}
