using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.CodeAnalysis.Scripting.Hosting;

namespace Runner.Scripting;

/// <summary>
/// Compiles a script with Roslyn scripting against <see cref="ScriptGlobals"/> and emits a DLL and portable PDB.
/// Only this class touches Roslyn, and only on a compile-cache miss, so a cached run never loads it.
/// </summary>
internal static class ScriptCompiler
{
    /// <summary>Graph and ARM were built against slightly different dependency versions; these unification
    /// warnings would appear on every compile and are not the operator's to fix.</summary>
    private static readonly ImmutableDictionary<string, ReportDiagnostic> Suppressed =
        ImmutableDictionary<string, ReportDiagnostic>.Empty
            .Add("CS1701", ReportDiagnostic.Suppress)
            .Add("CS1702", ReportDiagnostic.Suppress);

    /// <summary>
    /// One loader for every compile. Roslyn's scripting API makes a new one per script when none is given, and each
    /// holds an AssemblyLoadContext that is never unloaded: a host compiling edited scripts for months collected
    /// one per version. Runner never runs a script through Roslyn (it emits and loads the assembly itself), so the
    /// loader is never used; it is only required.
    /// </summary>
    private static readonly InteractiveAssemblyLoader Loader = new();

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
        [.. ScriptReferences.All.Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))]);

    public static CompiledArtifact Compile(ScriptSource source, NuGetReferences? nuget, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(source.Path)!;
        var compileReferences = new List<string>();
        var runtimeAssemblies = new List<string>();
        var diagnostics = new List<ScriptDiagnostic>();
        var packages = new List<(ScriptReference, NuGetPackage)>();
        foreach (var reference in source.References)
        {
            if (reference.IsNuGet)
            {
                var package = NuGetPackage.Parse(reference, out var error);
                if (error is not null)
                {
                    diagnostics.Add(error);
                }
                else
                {
                    packages.Add((reference, package));
                }
            }
            else if (reference.FilePath is { } dll && File.Exists(dll))
            {
                compileReferences.Add(dll);
                runtimeAssemblies.Add(dll);
            }
        }

        if (packages.Count > 0 && !diagnostics.Any(d => d.IsError))
        {
            if (nuget is null)
            {
                var (first, _) = packages[0];
                diagnostics.Add(new ScriptDiagnostic(first.DeclaredIn, first.Line, first.Column, true, "RUNNER001", "#r \"nuget: ...\" needs the NuGet restore, which is not available here."));
            }
            else
            {
                var restored = nuget.Restore(packages, directory, cancellationToken);
                diagnostics.AddRange(restored.Diagnostics);

                // The host's own copy of an assembly wins at run time (shared types with the globals), so compile against it too.
                var host = ScriptReferences.SimpleNames;
                compileReferences.AddRange(restored.CompileAssemblies.Where(p => !host.Contains(Path.GetFileNameWithoutExtension(p))));
                runtimeAssemblies.AddRange(restored.RuntimeAssemblies.Where(p => !host.Contains(Path.GetFileNameWithoutExtension(p))));
            }
        }

        if (diagnostics.Any(d => d.IsError))
        {
            return CompiledArtifact.Failed(diagnostics);
        }

        var options = ScriptOptions.Default
            .WithFilePath(source.Path)
            .WithFileEncoding(Encoding.UTF8)
            .WithReferences(References.Value.AddRange(compileReferences.Select(p => MetadataReference.CreateFromFile(p))))
            .WithImports(ScriptReferences.Imports)
            .WithEmitDebugInformation(true)
            .WithOptimizationLevel(OptimizationLevel.Debug)
            .WithSourceResolver(new EditorStubSkippingResolver(new SourceFileResolver([], directory)))
            .WithMetadataResolver(new NuGetAwareMetadataResolver(ScriptMetadataResolver.Default.WithBaseDirectory(directory)))
            .WithAllowUnsafe(false);

        var script = CSharpScript.Create<object>(source.Text, options, typeof(ScriptGlobals), Loader);
        var compilation = script.GetCompilation();
        // Nullable annotations (string?) are allowed without nullable-flow warnings, which would flood every Graph call.
        compilation = compilation.WithOptions(((CSharpCompilationOptions)compilation.Options)
            .WithSpecificDiagnosticOptions(Suppressed)
            .WithNullableContextOptions(NullableContextOptions.Annotations));
        diagnostics.AddRange(compilation.GetDiagnostics(cancellationToken)
            .Where(d => d.Severity is DiagnosticSeverity.Error or DiagnosticSeverity.Warning)
            .Select(d => ToDiagnostic(d, source.Path)));
        if (diagnostics.Any(d => d.IsError))
        {
            return CompiledArtifact.Failed(diagnostics);
        }

        using var pe = new MemoryStream();
        using var pdb = new MemoryStream();
        var result = compilation.Emit(pe, pdb, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb), cancellationToken: cancellationToken);
        if (!result.Success)
        {
            diagnostics.AddRange(result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => ToDiagnostic(d, source.Path)));
            return CompiledArtifact.Failed(diagnostics);
        }

        var entry = compilation.GetEntryPoint(cancellationToken)
            ?? throw new InvalidOperationException("Roslyn produced no script entry point.");
        return new CompiledArtifact(true, diagnostics, pe.ToArray(), pdb.ToArray(), entry.ContainingType.MetadataName, entry.MetadataName, runtimeAssemblies)
        {
            RequiredParameters = RequiredParameters.Find(compilation.SyntaxTrees, source.Path),
        };
    }

    private static ScriptDiagnostic ToDiagnostic(Diagnostic diagnostic, string scriptPath)
    {
        var span = diagnostic.Location.GetMappedLineSpan();
        var path = span.IsValid && !string.IsNullOrEmpty(span.Path) ? span.Path : scriptPath;
        var line = span.IsValid ? span.StartLinePosition.Line + 1 : 1;
        var column = span.IsValid ? span.StartLinePosition.Character + 1 : 1;
        return new ScriptDiagnostic(path, line, column, diagnostic.Severity == DiagnosticSeverity.Error, diagnostic.Id, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Leaves "nuget:" references to the restore step (they are resolved before compiling) and lets
    /// Roslyn's resolver handle DLL paths relative to the script.</summary>
    private sealed class NuGetAwareMetadataResolver(ScriptMetadataResolver inner) : MetadataReferenceResolver
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, PortableExecutableReference> Missing = new(StringComparer.Ordinal);

        /// <summary>Stands in for a "nuget:" reference (restored separately); one per process, like the others.</summary>
        private static readonly Lazy<PortableExecutableReference> CoreLibrary = new(() => MetadataReference.CreateFromFile(typeof(object).Assembly.Location));

        public override bool ResolveMissingAssemblies => inner.ResolveMissingAssemblies;

        public override ImmutableArray<PortableExecutableReference> ResolveReference(string reference, string? baseFilePath, MetadataReferenceProperties properties) =>
            reference.StartsWith("nuget:", StringComparison.OrdinalIgnoreCase)
                ? [CoreLibrary.Value]
                : inner.ResolveReference(reference, baseFilePath, properties);

        /// <summary>
        /// Assemblies the referenced ones depend on (facades, the SDKs' dependencies), resolved once per process: the
        /// inner resolver opens a new reference, with its own copy of the file's metadata, on every compile.
        /// </summary>
        public override PortableExecutableReference? ResolveMissingAssembly(MetadataReference definition, AssemblyIdentity referenceIdentity)
        {
            var key = referenceIdentity.GetDisplayName(fullKey: true);
            if (Missing.TryGetValue(key, out var known))
            {
                return known;
            }

            // Not found is not remembered: the file may be there at the next compile.
            var resolved = inner.ResolveMissingAssembly(definition, referenceIdentity);
            return resolved is null ? null : Missing.GetOrAdd(key, resolved);
        }

        public override bool Equals(object? other) => other is NuGetAwareMetadataResolver r && r.GetHashCode() == GetHashCode();

        public override int GetHashCode() => inner.GetHashCode();
    }
}

/// <summary>The outcome of a compile: diagnostics, and on success the emitted DLL, PDB and entry point.</summary>
internal sealed record CompiledArtifact(
    bool Success,
    IReadOnlyList<ScriptDiagnostic> Diagnostics,
    byte[] Pe,
    byte[] Pdb,
    string TypeName,
    string MethodName,
    IReadOnlyList<string> ExtraReferences)
{
    /// <summary>Parameters the script reads without a default (<see cref="Scripting.RequiredParameters"/>).</summary>
    public IReadOnlyList<RequiredParameter> RequiredParameters { get; init; } = [];

    public static CompiledArtifact Failed(IReadOnlyList<ScriptDiagnostic> diagnostics) => new(false, diagnostics, [], [], "", "", []);
}
