namespace OrleansScheduler.Grains.Handlers;

/// <summary>The names of the handlers registered on this silo; jobs naming another handler are rejected at submission.</summary>
public sealed class HandlerCatalog(IEnumerable<HandlerRegistration> registrations)
{
    private readonly HashSet<string> _names = registrations.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>True when a handler of that name is registered.</summary>
    public bool Contains(string name) => _names.Contains(name);

    /// <summary>All registered names, sorted.</summary>
    public IReadOnlyList<string> Names => _names.Order(StringComparer.Ordinal).ToList();
}

/// <summary>Marks a handler name as registered (one per <c>AddJobHandler</c> call).</summary>
public sealed record HandlerRegistration(string Name);
