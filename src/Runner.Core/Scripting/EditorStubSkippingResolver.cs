using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Runner.Scripting;

/// <summary>Resolves #load as Roslyn does, except that the editor stub (<see cref="EditorStub"/>) reads as empty: the
/// script then sees the real globals, and the stub need not even exist (a fresh clone, CI).</summary>
internal sealed class EditorStubSkippingResolver(SourceFileResolver inner) : SourceReferenceResolver
{
    public override string? NormalizePath(string path, string? baseFilePath) => inner.NormalizePath(path, baseFilePath);

    public override string? ResolveReference(string path, string? baseFilePath)
    {
        if (EditorStub.IsStub(path))
        {
            var directory = baseFilePath is null ? null : Path.GetDirectoryName(baseFilePath);
            return directory is null ? Path.GetFullPath(path) : Path.GetFullPath(path, directory);
        }

        return inner.ResolveReference(path, baseFilePath);
    }

    public override Stream OpenRead(string resolvedPath) =>
        EditorStub.IsStub(resolvedPath) ? new MemoryStream([], writable: false) : inner.OpenRead(resolvedPath);

    public override SourceText ReadText(string resolvedPath) =>
        EditorStub.IsStub(resolvedPath) ? SourceText.From("", Encoding.UTF8) : base.ReadText(resolvedPath);

    public override bool Equals(object? other) => other is EditorStubSkippingResolver r && r.GetHashCode() == GetHashCode();

    public override int GetHashCode() => inner.GetHashCode();
}
