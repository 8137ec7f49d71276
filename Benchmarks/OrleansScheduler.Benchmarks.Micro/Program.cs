using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

// Picks benchmarks by --filter, e.g.
//   dotnet run -c Release --project Benchmarks/OrleansScheduler.Benchmarks.Micro -- --filter '*Wheel*'
// Reports go to this project's BenchmarkDotNet.Artifacts/ (git-ignored here) rather than the caller's working
// directory, which would be the repository root; --artifacts <dir> still overrides it.
var projectDirectory = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", ".."));
var config = DefaultConfig.Instance.WithArtifactsPath(Path.Combine(projectDirectory, "BenchmarkDotNet.Artifacts"));
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
