using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Runner.Benchmarks.Micro;

/// <summary>
/// BenchmarkDotNet for the pieces of the warm run path that are plain in-process code: reading runner.yaml, finding a
/// script in the compile cache, selecting tenants. In-process toolchain (no generated project to build), short runs;
/// JSON and GitHub Markdown go to artifacts/benchmarks/micro/results/.
///   dotnet run -c Release --project tests/Runner.Benchmarks -- micro [--filter *Config*]
/// </summary>
internal static class MicroBenchmarks
{
    public static int Run(string[] args)
    {
        var root = FindRepoRoot();
        var config = DefaultConfig.Instance
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .AddExporter(MarkdownExporter.GitHub, JsonExporter.Full)
            .WithArtifactsPath(Path.Combine(root, "artifacts", "benchmarks", "micro"));
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(MicroBenchmarks).Assembly).Run(args.Length == 0 ? ["--filter", "*"] : args, config);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Runner.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
