namespace Runner.Scripting;

/// <summary>A compiler message about a script, pointing at the original file (also inside #load'ed files).</summary>
internal sealed record ScriptDiagnostic(string Path, int Line, int Column, bool IsError, string Id, string Message)
{
    /// <summary>The form editors and CI understand: path(line,col): error CSxxxx: message.</summary>
    public override string ToString() => $"{Path}({Line},{Column}): {(IsError ? "error" : "warning")} {Id}: {Message}";
}

/// <summary>A script did not compile. <see cref="Diagnostics"/> holds every error and warning.</summary>
internal sealed class ScriptCompilationException(string path, IReadOnlyList<ScriptDiagnostic> diagnostics)
    : Exception($"{path} does not compile:{Environment.NewLine}{string.Join(Environment.NewLine, diagnostics.Where(d => d.IsError))}")
{
    public string ScriptPath { get; } = path;

    public IReadOnlyList<ScriptDiagnostic> Diagnostics { get; } = diagnostics;
}
