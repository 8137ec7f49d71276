using System.Text.RegularExpressions;
using Xunit;

namespace OrleansScheduler.Tests.Readme;

/// <summary>The README's code sample is the compiled one in <see cref="EmbeddingSample"/>, line for line.</summary>
public sealed class ReadmeTests
{
    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "OrleansScheduler.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("OrleansScheduler.sln not found above " + AppContext.BaseDirectory);
    }

    internal static string SampleFromSource()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), "Tests", "Readme", "EmbeddingSample.cs"));
        var kept = new List<string>();
        var inside = false;
        foreach (var line in lines)
        {
            var trimmed = line.Trim();
            if (trimmed == "// <sample>") { inside = true; continue; }
            if (trimmed == "// </sample>") { inside = false; continue; }
            if (inside) kept.Add(line);
        }
        var indent = kept.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join("\n", kept.Select(l => l.Length >= indent ? l[indent..] : l.Trim())).Trim();
    }

    [Fact]
    public void ReadmeSample_IsTheCompiledSample()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md")).Replace("\r\n", "\n");
        var match = Regex.Match(readme, "<!-- sample: embedding -->\\s*```csharp\\n(?<code>.*?)```", RegexOptions.Singleline);
        Assert.True(match.Success, "README.md has no '<!-- sample: embedding -->' csharp block");
        var code = match.Groups["code"].Value.Trim();
        var usings = string.Join("\n", File.ReadAllLines(Path.Combine(RepositoryRoot(), "Tests", "Readme", "EmbeddingSample.cs"))
            .TakeWhile(l => l.StartsWith("using ", StringComparison.Ordinal)));
        Assert.Equal(usings + "\n\n" + SampleFromSource(), code);
    }
}
