using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Runner.State;

namespace Runner.Scripting;

/// <summary>
/// Restores a script's NuGet packages with the normal NuGet client: a generated one-file project restored by
/// <c>dotnet restore</c>, so the operator's nuget.config (looked up from the script's folder), private feeds,
/// credential providers and the global packages folder all work as they do for their own projects. The resolved
/// assembly list is cached per exact package set, so a package set restores once per machine and later compiles
/// work offline (no process, no network) as long as the packages stay in the global packages folder.
/// </summary>
internal sealed partial class DotnetNuGetRestore(string root, ILogger log) : NuGetReferences
{
    private static readonly TimeSpan RestoreLimit = TimeSpan.FromMinutes(5);

    public string Root => root;

    public override NuGetRestoreResult Restore(IReadOnlyList<(ScriptReference Reference, NuGetPackage Package)> references, string scriptDirectory, CancellationToken cancellationToken)
    {
        var conflicts = references.GroupBy(r => r.Package.Id, StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Select(r => r.Package.Version).Distinct(StringComparer.OrdinalIgnoreCase).Count() > 1)
            .Select(g => g.Last())
            .Select(r => new ScriptDiagnostic(r.Reference.DeclaredIn, r.Reference.Line, r.Reference.Column, true, "RUNNER005",
                $"The package {r.Package.Id} is referenced with different versions ({string.Join(", ", references.Where(x => string.Equals(x.Package.Id, r.Package.Id, StringComparison.OrdinalIgnoreCase)).Select(x => x.Package.Version).Distinct())}); reference one."))
            .ToArray();
        if (conflicts.Length > 0)
        {
            return NuGetRestoreResult.Failed(conflicts);
        }

        var packages = references.Select(r => r.Package)
            .DistinctBy(p => p.Id.ToLowerInvariant())
            .OrderBy(p => p.Id, StringComparer.OrdinalIgnoreCase)
            .ToList();
        var framework = $"net{Environment.Version.Major}.{Environment.Version.Minor}";
        var key = SetKey(framework, packages);
        var resultFile = Path.Combine(root, key + ".json");
        if (TryReadResolved(resultFile) is { } cached)
        {
            log.LogDebug("NuGet package set {Key} resolved from cache", key[..12]);
            return cached;
        }

        Directory.CreateDirectory(root);
        var work = Path.Combine(root, $".restore-{key[..12]}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            var project = Path.Combine(work, "script-packages.csproj");
            File.WriteAllText(project, ProjectText(framework, packages));
            var (exitCode, output) = RunRestore(project, scriptDirectory, cancellationToken);
            var warnings = Messages(output, "warning", references).Where(d => d.Id != "NU1900").ToList();
            if (exitCode != 0)
            {
                var errors = Messages(output, "error", references).ToList();
                if (errors.Count == 0)
                {
                    var first = references[0].Reference;
                    errors.Add(new ScriptDiagnostic(first.DeclaredIn, first.Line, first.Column, true, "RUNNER004",
                        $"dotnet restore failed (exit code {exitCode}) for {Describe(packages)}: {LastLines(output)}"));
                }

                return new NuGetRestoreResult([], [], [.. errors, .. warnings]);
            }

            var resolved = ReadAssets(Path.Combine(work, "obj", "project.assets.json"), framework);
            var result = new NuGetRestoreResult(resolved.Compile, resolved.Runtime, warnings);
            AtomicFile.WriteText(resultFile, JsonSerializer.Serialize(new ResolvedSet(packages.Select(p => $"{p.Id}/{p.Version}").ToList(), resolved.Compile, resolved.Runtime, warnings)));
            log.LogDebug("Restored {Packages}", Describe(packages));
            return result;
        }
        catch (DotnetNotFoundException e)
        {
            var first = references[0].Reference;
            return NuGetRestoreResult.Failed(new ScriptDiagnostic(first.DeclaredIn, first.Line, first.Column, true, "RUNNER004", e.Message));
        }
        finally
        {
            Folders.TryDelete(work);
        }
    }

    internal static string SetKey(string framework, IEnumerable<NuGetPackage> packages)
    {
        var text = "runner-nuget-v1\n" + framework + "\n" + string.Join("\n", packages.Select(p => $"{p.Id.ToLowerInvariant()}/{p.Version.ToLowerInvariant()}"));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant()[..32];
    }

    private static string ProjectText(string framework, IEnumerable<NuGetPackage> packages)
    {
        var items = string.Join(Environment.NewLine, packages.Select(p =>
            $"    <PackageReference Include=\"{System.Security.SecurityElement.Escape(p.Id)}\" Version=\"[{System.Security.SecurityElement.Escape(p.Version)}]\" />"));
        return $"""
            <!-- Generated by Runner to restore a script's #r "nuget: ..." references. Safe to delete. -->
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>{framework}</TargetFramework>
                <OutputType>Library</OutputType>
                <EnableDefaultItems>false</EnableDefaultItems>
                <DisableImplicitNuGetFallbackFolder>true</DisableImplicitNuGetFallbackFolder>
              </PropertyGroup>
              <ItemGroup>
            {items}
              </ItemGroup>
            </Project>
            """;
    }

    private (int ExitCode, string Output) RunRestore(string project, string scriptDirectory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(project)!,
        };
        foreach (var argument in new[]
                 {
                     "restore", project, "--nologo", "--disable-build-servers", "-v:q",
                     // The generated project must not pick up the build settings of the repository the state folder
                     // sits in (central package versions, warnings as errors); nuget.config still comes from the script's folder.
                     "-p:ImportDirectoryBuildProps=false", "-p:ImportDirectoryBuildTargets=false", "-p:ImportDirectoryPackagesProps=false",
                     "-p:ManagePackageVersionsCentrally=false", $"-p:RestoreRootConfigDirectory={scriptDirectory}",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            // Set by an outer build (dotnet test, an IDE); they would point the child at the wrong MSBuild.
            start.Environment.Remove(name);
        }

        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new DotnetNotFoundException(start.FileName);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new DotnetNotFoundException(start.FileName);
        }

        using (process)
        {
            var output = new StringBuilder();
            var lockObject = new object();
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            // Roslyn resolves references synchronously, so this waits; it waits on the process itself, not on a task
            // whose completion would need a thread-pool thread that a busy fan-out may not have to give.
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(RestoreLimit);
            var stopped = 0;
            using (limit.Token.Register(() =>
                   {
                       Interlocked.Exchange(ref stopped, 1);
                       try
                       {
                           process.Kill(entireProcessTree: true);
                       }
                       catch (InvalidOperationException)
                       {
                           // It had already exited.
                       }
                   }))
            {
                process.WaitForExit();
            }

            if (Volatile.Read(ref stopped) == 1)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw new TimeoutException($"dotnet restore did not finish within {RestoreLimit.TotalMinutes} minutes.");
            }

            lock (lockObject)
            {
                return (process.ExitCode, output.ToString());
            }

            void Append(string? line)
            {
                if (line is not null)
                {
                    lock (lockObject)
                    {
                        output.AppendLine(line);
                    }
                }
            }
        }
    }

    /// <summary>The dotnet host: the one running us when that is dotnet, else DOTNET_HOST_PATH, DOTNET_ROOT or PATH.</summary>
    private static string DotnetHost()
    {
        var exe = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        if (Environment.ProcessPath is { } processPath && string.Equals(Path.GetFileName(processPath), exe, StringComparison.OrdinalIgnoreCase))
        {
            return processPath;
        }

        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } dotnetRoot && File.Exists(Path.Combine(dotnetRoot, exe)))
        {
            return Path.Combine(dotnetRoot, exe);
        }

        return exe;
    }

    private static (List<string> Compile, List<string> Runtime) ReadAssets(string assetsFile, string framework)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(assetsFile));
        var rootElement = document.RootElement;
        var folders = rootElement.GetProperty("packageFolders").EnumerateObject().Select(p => p.Name).ToList();
        var libraries = rootElement.GetProperty("libraries");
        var target = rootElement.GetProperty("targets").EnumerateObject().First(t => t.Name.Split('/')[0].Equals(framework, StringComparison.OrdinalIgnoreCase) || t.Name.StartsWith(".NETCoreApp", StringComparison.Ordinal)).Value;
        var compile = new List<string>();
        var runtime = new List<string>();
        foreach (var package in target.EnumerateObject())
        {
            if (!package.Value.TryGetProperty("type", out var type) || type.GetString() != "package")
            {
                continue;
            }

            var relative = libraries.GetProperty(package.Name).GetProperty("path").GetString()!;
            var folder = folders.Select(f => Path.Combine(f, relative)).FirstOrDefault(Directory.Exists) ?? Path.Combine(folders[0], relative);
            compile.AddRange(Assets(package.Value, "compile", folder));
            runtime.AddRange(Assets(package.Value, "runtime", folder));
        }

        return (compile, runtime);
    }

    private static IEnumerable<string> Assets(JsonElement package, string group, string folder)
    {
        if (!package.TryGetProperty(group, out var assets))
        {
            yield break;
        }

        foreach (var asset in assets.EnumerateObject())
        {
            // "_._" marks a package that deliberately has nothing for this framework (it is part of it).
            if (asset.Name.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            {
                yield return Path.GetFullPath(Path.Combine(folder, asset.Name.Replace('/', Path.DirectorySeparatorChar)));
            }
        }
    }

    private static NuGetRestoreResult? TryReadResolved(string file)
    {
        try
        {
            if (!File.Exists(file))
            {
                return null;
            }

            var set = JsonSerializer.Deserialize<ResolvedSet>(File.ReadAllBytes(file));

            // The global packages folder may have been cleaned since: then restore again.
            return set is null || !set.Compile.Concat(set.Runtime).All(File.Exists) ? null : new NuGetRestoreResult(set.Compile, set.Runtime, set.Warnings);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>NuGet's "error NU1101: ..." lines, placed on the #r line of the package they name.</summary>
    private static IEnumerable<ScriptDiagnostic> Messages(string output, string severity, IReadOnlyList<(ScriptReference Reference, NuGetPackage Package)> references)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match match in NuGetMessage().Matches(output))
        {
            if (!match.Groups[1].Value.Equals(severity, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var code = match.Groups[2].Value;
            var message = Regex.Replace(match.Groups[3].Value.Trim(), @"\s*\[[^\]]*\.csproj\]$", "");
            if (!seen.Add(code + message))
            {
                continue;
            }

            var at = references.FirstOrDefault(r => message.Contains(r.Package.Id, StringComparison.OrdinalIgnoreCase)).Reference ?? references[0].Reference;
            yield return new ScriptDiagnostic(at.DeclaredIn, at.Line, at.Column, severity == "error", code, message);
        }
    }

    private static string Describe(IEnumerable<NuGetPackage> packages) => string.Join(", ", packages.Select(p => $"{p.Id} {p.Version}"));

    private static string LastLines(string output) =>
        string.Join(" ", output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));

    [GeneratedRegex(@"\b(error|warning) (NU\d{4}): ([^\r\n]*)", RegexOptions.IgnoreCase)]
    private static partial Regex NuGetMessage();

    private sealed record ResolvedSet(List<string> Packages, List<string> Compile, List<string> Runtime, List<ScriptDiagnostic> Warnings);

    private sealed class DotnetNotFoundException(string host) : Exception(
        string.Create(CultureInfo.InvariantCulture, $"#r \"nuget: ...\" restores packages with the .NET SDK, and '{host}' could not be started. Install the .NET SDK on this machine (or set DOTNET_HOST_PATH), or reference the package's DLL with #r \"path/to/Package.dll\"."));
}
