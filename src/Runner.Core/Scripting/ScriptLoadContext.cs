using System.Reflection;
using System.Runtime.Loader;

namespace Runner.Scripting;

/// <summary>
/// A collectible context per compiled script, so a host that recompiles edited scripts for months stays flat in
/// memory. Runner's own assemblies (and the SDKs) resolve from the default context, so globals are shared types;
/// a script's own #r and NuGet assemblies load here and go away with it.
/// </summary>
internal sealed class ScriptLoadContext(string name, IReadOnlyList<string> privateAssemblies) : AssemblyLoadContext(name, isCollectible: true)
{
    private readonly Dictionary<string, string> _private = privateAssemblies
        .GroupBy(p => Path.GetFileNameWithoutExtension(p), StringComparer.OrdinalIgnoreCase)
        .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is { } simple && _private.TryGetValue(simple, out var path))
        {
            // The host's copy wins when it already has the assembly: sharing types with the globals matters more.
            var loaded = Default.Assemblies.FirstOrDefault(a => string.Equals(a.GetName().Name, simple, StringComparison.OrdinalIgnoreCase));
            return loaded ?? LoadFromAssemblyPath(path);
        }

        return null;
    }
}
