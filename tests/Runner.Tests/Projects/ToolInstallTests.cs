using System.Diagnostics;
using System.IO.Compression;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Projects;

/// <summary>
/// The tool as operators get it: `dotnet pack`, `dotnet tool install` into a tool path of its own, then in an empty
/// folder the commands docs/production.md gives: init, run, new, check. No file of this repository is at hand there.
/// </summary>
public sealed class ToolInstallTests
{
    [Fact]
    public async Task Packed_and_installed_tool_sets_up_an_empty_folder_and_runs_hello()
    {
        using var temp = new TempFolder("runner-tool");
        var packages = temp.Combine("packages");
        var tools = temp.Combine("tools");
        var project = temp.Combine("empty", "weekly-checks");
        Directory.CreateDirectory(project);
        // A feed with this package only and a package cache of its own: a stale 0.1.0 from an earlier pack in the
        // machine's cache, or a package of the same name elsewhere, must not stand in for this build.
        temp.Write("nuget.config", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{packages}" />
              </packageSources>
            </configuration>
            """);
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = temp.Combine("nuget-cache") };

        // Packed with the machine's package cache (the build's dependencies are there); installed with a cache of its own.
        var pack = await Dotnet(temp.Path, new Dictionary<string, string>(), "pack", Path.Combine(RepositoryFolder.Root, "src", "Runner.Cli"), "-c", "Release", "-o", packages, "-nologo");
        Assert.True(pack.ExitCode == 0, pack.ToString());
        var nupkg = Directory.GetFiles(packages, "Runner.Cli.*.nupkg").Single();
        using (var archive = ZipFile.OpenRead(nupkg))
        {
            Assert.Contains(archive.Entries, e => e.FullName == "README.md");
            var nuspec = new StreamReader(archive.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open()).ReadToEnd();
            Assert.Contains("<license type=\"expression\">MIT</license>", nuspec);
            Assert.Contains("<readme>README.md</readme>", nuspec);
            Assert.Contains("<repository type=\"git\" url=\"" + Runner.Projects.DocsLinks.RepositoryUrl, nuspec);
        }

        var install = await Dotnet(temp.Path, environment, "tool", "install", "Runner.Cli", "--tool-path", tools, "--configfile", temp.Combine("nuget.config"));
        Assert.True(install.ExitCode == 0, install.ToString());
        var runner = Path.Combine(tools, OperatingSystem.IsWindows() ? "runner.exe" : "runner");

        var version = await Run(runner, project, "--version");
        Assert.True(version.ExitCode == 0, version.ToString());
        Assert.StartsWith("runner 0.1.0 (commit ", version.Output.Trim(), StringComparison.Ordinal);

        var init = await Run(runner, project, "init");
        Assert.True(init.ExitCode == 0, init.ToString());
        var hello = await Run(runner, project, "run", "jobs/hello.csx", "--tenant", "all");
        Assert.True(hello.ExitCode == 0, hello.ToString());
        Assert.Contains("8 succeeded", hello.Error + hello.Output, StringComparison.OrdinalIgnoreCase);
        var created = await Run(runner, project, "new", "x");
        Assert.True(created.ExitCode == 0, created.ToString());
        var check = await Run(runner, project, "check", "jobs/x.csx");
        Assert.True(check.ExitCode == 0, check.ToString());
        var again = await Run(runner, project, "init");
        Assert.Equal(2, again.ExitCode);
    }

    private static Task<CliResult> Dotnet(string folder, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Start("dotnet", folder, environment, args);

    private static Task<CliResult> Run(string runner, string folder, params string[] args) =>
        Start(runner, folder, new Dictionary<string, string>
        {
            // The installed apphost finds the runtime this test runs on.
            ["DOTNET_ROOT"] = Path.GetDirectoryName(Path.GetFullPath(DotnetHost()))!,
        }, args);

    private static async Task<CliResult> Start(string file, string folder, IReadOnlyDictionary<string, string> environment, string[] args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("RUNNER", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await output, await error);
    }

    /// <summary>The dotnet executable: the one on PATH, resolved through links (/usr/bin/dotnet → /usr/share/dotnet/dotnet).</summary>
    private static string DotnetHost()
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(folder, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
            if (File.Exists(candidate))
            {
                return new FileInfo(candidate).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? candidate;
            }
        }

        return Environment.ProcessPath!;
    }
}
