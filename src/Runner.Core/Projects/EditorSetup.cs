using Runner.Scripting;

namespace Runner.Projects;

/// <summary>
/// VS Code IntelliSense for job scripts: the globals stub in jobs/_editor/, omnisharp.json, and .vscode/settings.json
/// (the C# extension edits .csx only in OmniSharp mode). Files that exist are left alone.
/// </summary>
internal static class EditorSetup
{
    /// <summary>Writes the set-up for <paramref name="root"/> and its jobs folder; returns the files written.</summary>
    public static IReadOnlyList<string> Write(string root, string jobs)
    {
        var written = new List<string> { EditorStub.Write(jobs) };
        // A folder with C# projects (Runner's own repository) keeps its Roslyn/C# Dev Kit set-up: switching the whole
        // workspace to OmniSharp is the operator's call there (docs/scripting.md says how).
        var hasProjects = Directory.EnumerateFiles(root, "*.sln*").Concat(Directory.EnumerateFiles(root, "*.csproj")).Any();
        if (ProjectFiles.WriteIfMissing(Path.Combine(root, "omnisharp.json"), OmniSharpJson))
        {
            written.Add(Path.Combine(root, "omnisharp.json"));
        }

        if (!hasProjects && ProjectFiles.WriteIfMissing(Path.Combine(root, ".vscode", "settings.json"), VsCodeSettings))
        {
            written.Add(Path.Combine(root, ".vscode", "settings.json"));
        }

        return written;
    }

    /// <summary>OmniSharp (the C# extension's server for .csx files) compiles scripts for this framework.</summary>
    internal const string OmniSharpJson = """
        {
          "script": {
            "enabled": true,
            "defaultTargetFramework": "net10.0",
            "enableScriptNuGetReferences": true
          }
        }

        """;

    /// <summary>The C# extension edits .csx files only in OmniSharp mode (its Roslyn server has no script support yet).</summary>
    internal const string VsCodeSettings = """
        {
          "dotnet.server.useOmnisharp": true
        }

        """;
}
