namespace OrleansScheduler.Cli.Parsing;

/// <summary>The options a command accepts: flags stand alone, the others take the next argument as their value.</summary>
internal sealed class OptionSpec
{
    private readonly Dictionary<string, bool> _takesValue = new(StringComparer.Ordinal);

    /// <summary>Adds options that take a value, e.g. <c>--port</c>.</summary>
    public OptionSpec Values(params string[] names)
    {
        foreach (var name in names) _takesValue[name] = true;
        return this;
    }

    /// <summary>Adds options that stand alone, e.g. <c>--json</c>.</summary>
    public OptionSpec Flags(params string[] names)
    {
        foreach (var name in names) _takesValue[name] = false;
        return this;
    }

    /// <summary>A spec with the options of both.</summary>
    public OptionSpec With(OptionSpec other)
    {
        var merged = new OptionSpec();
        foreach (var (name, value) in _takesValue) merged._takesValue[name] = value;
        foreach (var (name, value) in other._takesValue) merged._takesValue[name] = value;
        return merged;
    }

    /// <summary>True when <paramref name="name"/> is known; <paramref name="takesValue"/> says whether it has a value.</summary>
    public bool TryGet(string name, out bool takesValue) => _takesValue.TryGetValue(name, out takesValue);
}
