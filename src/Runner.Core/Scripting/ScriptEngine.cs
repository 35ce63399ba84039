using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace Runner.Scripting;

/// <summary>
/// Loads scripts: from the compile cache when the key matches (no Roslyn), else compiles, stores and loads.
/// </summary>
internal sealed class ScriptEngine(ScriptCache cache, NuGetReferences? nuget, ILogger log)
{
    /// <summary>The engine for a state folder: compile cache in scripts/, NuGet package sets in nuget/.</summary>
    public static ScriptEngine Create(string stateRoot, ILogger log) =>
        new(new ScriptCache(Path.Combine(stateRoot, "scripts")), new DotnetNuGetRestore(Path.Combine(stateRoot, "nuget"), log), log);

    public CompiledScript Load(string path, CancellationToken cancellationToken)
    {
        var source = ScriptSource.Read(path);
        var cached = cache.TryGet(source.CacheKey);
        if (cached is not null)
        {
            log.LogDebug("Loaded {Script} from the compile cache ({Key})", path, source.CacheKey[..12]);
            return CompiledScript.Load(source, cached.Pe, cached.Pdb, cached.Manifest.TypeName, cached.Manifest.MethodName, cached.Manifest.References, fromCache: true, cached.Manifest.Warnings);
        }

        var artifact = CompileWithRoslyn(source, cancellationToken);
        if (!artifact.Success)
        {
            throw new ScriptCompilationException(source.Path, artifact.Diagnostics);
        }

        cache.Store(source.CacheKey, artifact);

        // Shown once, when the script is compiled (as a build shows them); `runner check` lists them any time.
        foreach (var warning in artifact.Diagnostics.Where(d => !d.IsError))
        {
            log.LogWarning("{Diagnostic}", warning.ToString());
        }

        return CompiledScript.Load(source, artifact.Pe, artifact.Pdb, artifact.TypeName, artifact.MethodName, artifact.ExtraReferences, fromCache: false, artifact.Diagnostics);
    }

    /// <summary>The script from the compile cache, or null when it is not there (never compiles).</summary>
    public CompiledScript? TryLoadCached(string path)
    {
        var source = ScriptSource.Read(path);
        return cache.TryGet(source.CacheKey) is { } cached
            ? CompiledScript.Load(source, cached.Pe, cached.Pdb, cached.Manifest.TypeName, cached.Manifest.MethodName, cached.Manifest.References, fromCache: true, cached.Manifest.Warnings)
            : null;
    }

    /// <summary>Compiles without loading or caching (for `runner check`); returns every diagnostic.</summary>
    public IReadOnlyList<ScriptDiagnostic> Check(string path, CancellationToken cancellationToken)
    {
        var source = ScriptSource.Read(path);
        var cached = cache.TryGet(source.CacheKey);
        if (cached is not null)
        {
            return cached.Manifest.Warnings;
        }

        var artifact = CompileWithRoslyn(source, cancellationToken);
        if (artifact.Success)
        {
            cache.Store(source.CacheKey, artifact);
        }

        return artifact.Diagnostics;
    }

    /// <summary>Kept out of line so the JIT does not load Roslyn for a method that only touches the cache.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private CompiledArtifact CompileWithRoslyn(ScriptSource source, CancellationToken cancellationToken)
    {
        log.LogDebug("Compiling {Script}", source.Path);
        return ScriptCompiler.Compile(source, nuget, cancellationToken);
    }
}
