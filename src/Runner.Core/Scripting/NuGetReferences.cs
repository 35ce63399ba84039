namespace Runner.Scripting;

/// <summary>Restores #r "nuget: Name, Version" references; implemented by the NuGet restore step.</summary>
internal abstract class NuGetReferences
{
    public abstract NuGetRestoreResult Restore(ScriptReference reference, CancellationToken cancellationToken);
}

internal sealed record NuGetRestoreResult(IReadOnlyList<string> Assemblies, IReadOnlyList<ScriptDiagnostic> Diagnostics);
