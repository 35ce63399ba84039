using System.Runtime.InteropServices;

namespace Runner.Benchmarks.Harness;

/// <summary>
/// The binaries measured: the CLI as operators install it (the ReadyToRun publish profile), the same CLI built
/// plainly (JIT), and an empty console app, the floor any `dotnet x.dll` pays.
/// </summary>
internal sealed record Builds(string ReadyToRun, string Jit, string Empty)
{
    public static async Task<Builds> PrepareAsync(BenchOptions options)
    {
        var rid = RuntimeInformation.RuntimeIdentifier;
        var work = Path.Combine(options.WorkDirectory, "builds");
        var builds = new Builds(
            Path.Combine(options.RepoRoot, "artifacts", "publish", "runner", rid, "runner.dll"),
            Path.Combine(work, "jit", "runner.dll"),
            Path.Combine(work, "empty", "out", "empty.dll"));
        if (!options.Build)
        {
            foreach (var file in new[] { builds.ReadyToRun, builds.Jit, builds.Empty })
            {
                if (!File.Exists(file))
                {
                    throw new InvalidOperationException($"--no-build, but {file} is missing: run once without --no-build.");
                }
            }

            return builds;
        }

        Console.Error.WriteLine("Building: the CLI with the ReadyToRun profile, a plain Release (JIT) copy, and an empty console app ...");
        var cli = Path.Combine(options.RepoRoot, "src", "Runner.Cli");
        await Proc.RunAsync("dotnet", ["publish", cli, "-p:PublishProfile=ReadyToRun", "-r", rid, "-nologo", "-v", "q"], options.RepoRoot)
            .ContinueWith(t => t.Result.EnsureSuccess("dotnet publish (ReadyToRun)"), TaskScheduler.Default);
        await Proc.RunAsync("dotnet", ["build", cli, "-c", "Release", "-o", Path.GetDirectoryName(builds.Jit)!, "-nologo", "-v", "q"], options.RepoRoot)
            .ContinueWith(t => t.Result.EnsureSuccess("dotnet build (JIT)"), TaskScheduler.Default);

        var empty = Path.Combine(work, "empty");
        Directory.CreateDirectory(empty);
        await File.WriteAllTextAsync(Path.Combine(empty, "empty.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImportDirectoryBuildProps>false</ImportDirectoryBuildProps>
                <ImportDirectoryPackagesProps>false</ImportDirectoryPackagesProps>
              </PropertyGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(empty, "Program.cs"), "return;\n");
        await Proc.RunAsync("dotnet", ["build", Path.Combine(empty, "empty.csproj"), "-c", "Release", "-o", Path.GetDirectoryName(builds.Empty)!, "-nologo", "-v", "q"], empty)
            .ContinueWith(t => t.Result.EnsureSuccess("dotnet build (empty console app)"), TaskScheduler.Default);
        return builds;
    }

    /// <summary>The SelfContained publish profile's `runner` (self-contained, ReadyToRun composite): built when
    /// asked, as it takes minutes; reused with --no-build.</summary>
    public static async Task<string> SelfContainedAsync(BenchOptions options)
    {
        var rid = RuntimeInformation.RuntimeIdentifier;
        var runner = Path.Combine(options.RepoRoot, "artifacts", "publish", "runner-self-contained", rid, "runner");
        if (!options.Build)
        {
            return File.Exists(runner) ? runner : throw new InvalidOperationException($"--no-build, but {runner} is missing: run once without --no-build.");
        }

        Console.Error.WriteLine("Building: the CLI with the SelfContained profile (ReadyToRun composite; a few minutes) ...");
        (await Proc.RunAsync("dotnet", ["publish", Path.Combine(options.RepoRoot, "src", "Runner.Cli"), "-p:PublishProfile=SelfContained", "-r", rid, "-nologo", "-v", "q"], options.RepoRoot))
            .EnsureSuccess("dotnet publish (SelfContained)");
        return runner;
    }
}
