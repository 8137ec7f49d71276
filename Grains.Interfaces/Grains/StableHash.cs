namespace OrleansScheduler.Grains;

/// <summary>A hash of a string that is the same in every process and version (string.GetHashCode is randomized).</summary>
public static class StableHash
{
    /// <summary>64-bit FNV-1a over the UTF-16 code units of <paramref name="text"/>.</summary>
    public static ulong Of(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ (byte)c) * 1099511628211UL;
            hash = (hash ^ (byte)(c >> 8)) * 1099511628211UL;
        }
        return hash;
    }
}
