using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Runner.Scripting;

/// <summary>
/// A script and its #load closure, read without Roslyn: the directives at the top (#load, #r) and Runner's own
/// comment directives (<c>// runner: partner-level</c>, <c>// runner: read-only</c>), and the compile-cache key. The key is SHA-256 over every
/// file in the closure, the #r references, and the Runner, Roslyn and runtime versions and the identities of the
/// assemblies scripts compile against, so any change recompiles and nothing else does.
/// </summary>
internal sealed partial record ScriptSource(
    string Path,
    IReadOnlyList<ScriptFile> Files,
    IReadOnlyList<ScriptReference> References,
    bool PartnerLevel,
    string CacheKey)
{
    public string Text => Files[0].Text;

    /// <summary>The script says <c>// runner: read-only</c>: every run of it refuses writes, whatever runs it.</summary>
    public bool ReadOnly { get; init; }

    public static ScriptSource Read(string path)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"The script {path} does not exist.", fullPath);
        }

        var files = new List<ScriptFile>();
        var references = new List<ScriptReference>();
        var directives = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Visit(fullPath, files, references, seen, directives, isRoot: true);
        return new ScriptSource(fullPath, files, references, directives.Contains("partner-level"), ComputeKey(files, references))
        {
            ReadOnly = directives.Contains("read-only"),
        };
    }

    private static void Visit(string path, List<ScriptFile> files, List<ScriptReference> references, HashSet<string> seen, HashSet<string> directives, bool isRoot)
    {
        if (!seen.Add(path))
        {
            return;
        }

        if (!File.Exists(path))
        {
            // Roslyn reports the missing file with the #load line; the key just has to differ from when it exists.
            files.Add(new ScriptFile(path, "", Missing: true));
            return;
        }

        var text = File.ReadAllText(path);
        files.Add(new ScriptFile(path, text, Missing: false));
        var directory = System.IO.Path.GetDirectoryName(path)!;
        var lineNumber = 0;
        var inBlockComment = false;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.Trim();
            if (inBlockComment)
            {
                inBlockComment = !line.Contains("*/", StringComparison.Ordinal);
                continue;
            }

            if (line.Length == 0 || line.StartsWith("#!", StringComparison.Ordinal))
            {
                continue;
            }

            if (line.StartsWith("//", StringComparison.Ordinal))
            {
                if (isRoot && RunnerDirective().Match(line) is { Success: true } directive)
                {
                    directives.Add(directive.Groups[1].Value);
                }

                continue;
            }

            if (line.StartsWith("/*", StringComparison.Ordinal))
            {
                inBlockComment = !line.Contains("*/", StringComparison.Ordinal);
                continue;
            }

            var load = LoadDirective().Match(line);
            if (load.Success)
            {
                var target = System.IO.Path.GetFullPath(load.Groups[1].Value, directory);
                if (!EditorStub.IsStub(target))
                {
                    Visit(target, files, references, seen, directives, isRoot: false);
                }

                continue;
            }

            var reference = ReferenceDirective().Match(line);
            if (reference.Success)
            {
                references.Add(new ScriptReference(reference.Groups[1].Value, directory, path, lineNumber));
                continue;
            }

            if (line.StartsWith('#'))
            {
                // Other preprocessor directives (#nullable, #define) may precede code.
                continue;
            }

            break;
        }
    }

    private static string ComputeKey(List<ScriptFile> files, List<ScriptReference> references)
    {
        var builder = new StringBuilder();
        builder.AppendLine("runner-script-cache-v1");
        var core = typeof(ScriptSource).Assembly;
        builder.AppendLine(core.ManifestModule.ModuleVersionId.ToString());
        builder.AppendLine(core.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "RoslynVersion")?.Value);
        builder.AppendLine(Environment.Version.ToString());
        foreach (var name in core.GetReferencedAssemblies().OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            builder.AppendLine(name.FullName);
        }

        foreach (var file in files)
        {
            builder.Append(file.Path).Append('|').AppendLine(file.Missing ? "missing" : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(file.Text))));
        }

        foreach (var reference in references)
        {
            builder.Append("r|").AppendLine(reference.Value);
            if (reference.FilePath is { } dll && File.Exists(dll))
            {
                var info = new FileInfo(dll);
                builder.Append(dll).Append('|').Append(info.Length).Append('|').AppendLine(info.LastWriteTimeUtc.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString()))).ToLowerInvariant();
    }

    [GeneratedRegex("""^#load\s+"([^"]+)"\s*(//.*)?$""")]
    private static partial Regex LoadDirective();

    [GeneratedRegex("""^#r\s+"([^"]+)"\s*(//.*)?$""")]
    private static partial Regex ReferenceDirective();

    [GeneratedRegex(@"^//\s*runner:\s*([A-Za-z\-]+)\s*$")]
    private static partial Regex RunnerDirective();
}

internal sealed record ScriptFile(string Path, string Text, bool Missing);

/// <summary>A #r directive: a DLL path (relative to its file) or "nuget: Name, Version".</summary>
internal sealed record ScriptReference(string Value, string BaseDirectory, string DeclaredIn, int Line)
{
    public bool IsNuGet => Value.StartsWith("nuget:", StringComparison.OrdinalIgnoreCase);

    public string? FilePath => IsNuGet ? null : System.IO.Path.GetFullPath(Value, BaseDirectory);

    /// <summary>The column of the quoted value on its line (1-based), for diagnostics.</summary>
    public int Column => 4;
}
