using System.Text.Json;
using System.Text.Json.Serialization;
using Runner.State;

namespace Runner.Scripting;

/// <summary>
/// Compiled scripts in the state folder, one folder per cache key (script.dll, script.pdb, manifest.json). A
/// folder is written under a temporary name and renamed into place, so parallel runs of one script never see
/// half a folder and never lock each other out.
/// </summary>
internal sealed class ScriptCache(string root)
{
    public string Root => root;

    public CachedScript? TryGet(string key)
    {
        var folder = Path.Combine(root, key);
        var manifestPath = Path.Combine(folder, "manifest.json");
        if (!File.Exists(manifestPath))
        {
            return null;
        }

        try
        {
            var manifest = JsonSerializer.Deserialize(File.ReadAllBytes(manifestPath), ScriptCacheJson.Default.Manifest);
            if (manifest is null || manifest.Version != Manifest.CurrentVersion || !manifest.References.All(File.Exists))
            {
                // A private assembly gone (a cleaned NuGet folder) is a miss too: the compile restores it.
                return null;
            }

            return new CachedScript(File.ReadAllBytes(Path.Combine(folder, "script.dll")), File.ReadAllBytes(Path.Combine(folder, "script.pdb")), manifest);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            // A damaged entry is a cache miss; the compile writes a fresh one.
            return null;
        }
    }

    public void Store(string key, CompiledArtifact artifact)
    {
        var folder = Path.Combine(root, key);
        if (Directory.Exists(folder))
        {
            return;
        }

        Directory.CreateDirectory(root);
        SweepAbandoned();
        var temp = Path.Combine(root, $".tmp-{key[..12]}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            File.WriteAllBytes(Path.Combine(temp, "script.dll"), artifact.Pe);
            File.WriteAllBytes(Path.Combine(temp, "script.pdb"), artifact.Pdb);
            var manifest = new Manifest(Manifest.CurrentVersion, artifact.TypeName, artifact.MethodName, artifact.ExtraReferences, artifact.Diagnostics.Where(d => !d.IsError).ToList(), DateTimeOffset.UtcNow)
            {
                RequiredParameters = artifact.RequiredParameters,
            };
            File.WriteAllBytes(Path.Combine(temp, "manifest.json"), JsonSerializer.SerializeToUtf8Bytes(manifest, ScriptCacheJson.Default.Manifest));
            Directory.Move(temp, folder);
        }
        catch (IOException) when (Directory.Exists(folder))
        {
            // Another process stored the same key first; its copy is identical.
            Folders.TryDelete(temp);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Folders.TryDelete(temp);
            throw new StateException($"The compile cache {root} cannot be written ({IoReason.Of(e)}). Make the state folder writable by this user, free some disk space, or point 'state:' in runner.yaml elsewhere.", e);
        }
    }

    /// <summary>Temporary folders of compiles whose process was killed before the rename; an hour old means abandoned.</summary>
    private void SweepAbandoned()
    {
        try
        {
            foreach (var folder in Directory.EnumerateDirectories(root, ".tmp-*"))
            {
                if (DateTime.UtcNow - Directory.GetLastWriteTimeUtc(folder) > StateDirectory.AbandonedAfter)
                {
                    Folders.TryDelete(folder);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Records that <paramref name="key"/> is the newest version of a script that compiled.</summary>
    public void RememberLastGood(string scriptPath, string key)
    {
        var file = LastGoodFile(scriptPath);
        try
        {
            if (File.Exists(file) && File.ReadAllText(file) == key)
            {
                return;
            }

            AtomicFile.WriteText(file, key);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only the fallback for a later broken edit is lost; the run itself is unaffected.
        }
    }

    /// <summary>The newest version of a script that compiled, for a scheduled fire after a broken edit.</summary>
    public (string Key, CachedScript Script)? TryGetLastGood(string scriptPath)
    {
        var file = LastGoodFile(scriptPath);
        try
        {
            var key = File.Exists(file) ? File.ReadAllText(file).Trim() : null;
            return key is { Length: > 0 } && TryGet(key) is { } cached ? (key, cached) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private string LastGoodFile(string scriptPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(root))!, "scripts-last-good", Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(scriptPath))))[..32].ToLowerInvariant());

    /// <param name="References">Assemblies the script loads privately at run time (#r DLLs, NuGet runtime assets).</param>
    internal sealed record Manifest(int Version, string TypeName, string MethodName, IReadOnlyList<string> References, IReadOnlyList<ScriptDiagnostic> Warnings, DateTimeOffset CompiledAt)
    {
        /// <summary>3: the required parameters are recorded.</summary>
        public const int CurrentVersion = 3;

        public IReadOnlyList<RequiredParameter> RequiredParameters { get; init; } = [];
    }

    internal sealed record CachedScript(byte[] Pe, byte[] Pdb, Manifest Manifest);
}

/// <summary>Source-generated, so reading a manifest on a cached run costs no reflection or emitted code.</summary>
[JsonSerializable(typeof(ScriptCache.Manifest))]
internal sealed partial class ScriptCacheJson : JsonSerializerContext;
