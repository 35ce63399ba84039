using System.Text.RegularExpressions;

namespace Runner.Scripting;

/// <summary>Restores the <c>#r "nuget: Name, Version"</c> references of a script, as one package set.</summary>
internal abstract class NuGetReferences
{
    /// <param name="references">The script's nuget references (already checked to be exact versions).</param>
    /// <param name="scriptDirectory">Where the script lives: NuGet configuration is looked up from here.</param>
    public abstract NuGetRestoreResult Restore(IReadOnlyList<(ScriptReference Reference, NuGetPackage Package)> references, string scriptDirectory, CancellationToken cancellationToken);
}

/// <param name="CompileAssemblies">What the compiler references (reference assemblies where a package has them).</param>
/// <param name="RuntimeAssemblies">What the script's load context loads at run time.</param>
internal sealed record NuGetRestoreResult(IReadOnlyList<string> CompileAssemblies, IReadOnlyList<string> RuntimeAssemblies, IReadOnlyList<ScriptDiagnostic> Diagnostics)
{
    public static NuGetRestoreResult Failed(params ScriptDiagnostic[] diagnostics) => new([], [], diagnostics);
}

/// <summary>A package pinned to one exact version, as <c>#r "nuget: Name, 1.2.3"</c> names it.</summary>
internal sealed partial record NuGetPackage(string Id, string Version)
{
    /// <summary>Reads "nuget: Name, Version" (also "Name/Version" and "[1.2.3]"); anything but an exact version is an error.</summary>
    public static NuGetPackage Parse(ScriptReference reference, out ScriptDiagnostic? error)
    {
        error = null;
        var text = reference.Value["nuget:".Length..].Trim();
        var parts = text.Split([',', '/'], 2, StringSplitOptions.TrimEntries);
        var id = parts[0];
        var version = parts.Length > 1 ? parts[1] : "";
        if (version.StartsWith('[') && version.EndsWith(']') && !version.Contains(',', StringComparison.Ordinal))
        {
            version = version[1..^1].Trim();
        }

        if (!PackageId().IsMatch(id))
        {
            error = Error(reference, "RUNNER002", $"'{text}' is not a package reference. Write #r \"nuget: Name, 1.2.3\".");
        }
        else if (version.Length == 0)
        {
            error = Error(reference, "RUNNER003", $"The package {id} has no version. Pin an exact version, e.g. #r \"nuget: {id}, 1.2.3\", so every run (and every machine) uses the same code.");
        }
        else if (!ExactVersion().IsMatch(version))
        {
            error = Error(reference, "RUNNER003", $"The package {id} has the version '{version}', which is not an exact version. Floating versions and ranges would change what the script runs without its text changing; pin one, e.g. #r \"nuget: {id}, 1.2.3\".");
        }

        return new NuGetPackage(id, version);
    }

    private static ScriptDiagnostic Error(ScriptReference reference, string id, string message) =>
        new(reference.DeclaredIn, reference.Line, reference.Column, true, id, message);

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")]
    private static partial Regex PackageId();

    [GeneratedRegex(@"^\d+(\.\d+){1,3}(-[0-9A-Za-z][0-9A-Za-z.\-]*)?(\+[0-9A-Za-z.\-]+)?$")]
    private static partial Regex ExactVersion();
}
