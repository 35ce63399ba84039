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

    /// <param name="fallbackToLastGood">
    /// For scheduled fires: when the script no longer compiles, run the newest version that did (and say so in
    /// <see cref="CompiledScript.FallbackReason"/>) rather than fail, so a broken edit never stops a running schedule.
    /// An ad hoc `runner run` keeps failing with the diagnostics instead.
    /// </param>
    public CompiledScript Load(string path, CancellationToken cancellationToken, bool fallbackToLastGood = false)
    {
        var source = ScriptSource.Read(path);
        var cached = cache.TryGet(source.CacheKey);
        if (cached is not null)
        {
            log.LogDebug("Loaded {Script} from the compile cache ({Key})", path, source.CacheKey[..12]);
            if (fallbackToLastGood)
            {
                cache.RememberLastGood(source.Path, source.CacheKey);
            }

            return CompiledScript.Load(source, cached.Pe, cached.Pdb, cached.Manifest.TypeName, cached.Manifest.MethodName, cached.Manifest.References, fromCache: true, cached.Manifest.Warnings)
                .Requiring(cached.Manifest.RequiredParameters);
        }

        var artifact = CompileWithRoslyn(source, cancellationToken);
        if (!artifact.Success)
        {
            var error = new ScriptCompilationException(source.Path, artifact.Diagnostics);
            if (fallbackToLastGood && cache.TryGetLastGood(source.Path) is var (key, good))
            {
                var first = artifact.Diagnostics.First(d => d.IsError);
                log.LogWarning("{Script} does not compile ({Diagnostic}); running the last version that did, compiled {CompiledAt:u}", path, first, good.Manifest.CompiledAt);
                var script = CompiledScript.Load(source with { CacheKey = key }, good.Pe, good.Pdb, good.Manifest.TypeName, good.Manifest.MethodName, good.Manifest.References, fromCache: true, good.Manifest.Warnings)
                    .Requiring(good.Manifest.RequiredParameters);
                script.FallbackReason = $"The script does not compile ({first}); ran the last version that did, compiled {good.Manifest.CompiledAt:u}.";
                return script;
            }

            throw error;
        }

        cache.Store(source.CacheKey, artifact);
        cache.RememberLastGood(source.Path, source.CacheKey);

        // Shown once, when the script is compiled (as a build shows them); `runner check` lists them any time.
        foreach (var warning in artifact.Diagnostics.Where(d => !d.IsError))
        {
            log.LogWarning("{Diagnostic}", warning.ToString());
        }

        return CompiledScript.Load(source, artifact.Pe, artifact.Pdb, artifact.TypeName, artifact.MethodName, artifact.ExtraReferences, fromCache: false, artifact.Diagnostics)
            .Requiring(artifact.RequiredParameters);
    }

    /// <summary>The script from the compile cache, or null when it is not there (never compiles).</summary>
    public CompiledScript? TryLoadCached(string path)
    {
        var source = ScriptSource.Read(path);
        return cache.TryGet(source.CacheKey) is { } cached
            ? CompiledScript.Load(source, cached.Pe, cached.Pdb, cached.Manifest.TypeName, cached.Manifest.MethodName, cached.Manifest.References, fromCache: true, cached.Manifest.Warnings)
                .Requiring(cached.Manifest.RequiredParameters)
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
