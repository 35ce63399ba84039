using System.Reflection;
using System.Runtime.Loader;

namespace Runner.Scripting;

/// <summary>
/// A collectible context per compiled script, so a host that recompiles edited scripts for months stays flat in
/// memory. Runner's own assemblies (and the SDKs) resolve from the default context, so globals are shared types;
/// a script's own #r and NuGet assemblies load here and go away with it. An assembly a referenced DLL needs that
/// the script did not name is looked for next to that DLL, as .NET does for an application's own folder: a vendor
/// library referenced as <c>#r "lib/LibA.dll"</c> finds the LibB.dll shipped beside it.
/// </summary>
internal sealed class ScriptLoadContext(string name, IReadOnlyList<string> privateAssemblies) : AssemblyLoadContext(name, isCollectible: true)
{
    /// <summary>Everything the default context can load (the framework and Runner's own dependencies).</summary>
    private static readonly Lazy<HashSet<string>> HostAssemblies = new(() =>
        new HashSet<string>(
            ((AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string) ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(Path.GetFileNameWithoutExtension)!,
            StringComparer.OrdinalIgnoreCase));

    private readonly Dictionary<string, string> _private = privateAssemblies
        .GroupBy(p => Path.GetFileNameWithoutExtension(p), StringComparer.OrdinalIgnoreCase)
        .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);

    private readonly string[] _folders = [.. privateAssemblies.Select(Path.GetDirectoryName).OfType<string>().Distinct(StringComparer.Ordinal)];

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is not { } simple)
        {
            return null;
        }

        if (_private.TryGetValue(simple, out var path))
        {
            // The host's copy wins when it already has the assembly: sharing types with the globals matters more.
            var loaded = Default.Assemblies.FirstOrDefault(a => string.Equals(a.GetName().Name, simple, StringComparison.OrdinalIgnoreCase));
            return loaded ?? LoadFromAssemblyPath(path);
        }

        if (HostAssemblies.Value.Contains(simple))
        {
            return null;
        }

        foreach (var folder in _folders)
        {
            var candidate = Path.Combine(folder, simple + ".dll");
            if (File.Exists(candidate))
            {
                return LoadFromAssemblyPath(candidate);
            }
        }

        return null;
    }
}
