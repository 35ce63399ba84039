using System.Reflection;

namespace Runner.Scripting;

/// <summary>
/// The assemblies scripts compile against: the whole .NET shared framework plus the closure of the assemblies
/// behind the globals (Runner, Graph, ARM, Kiota, Azure.Core, logging). Kept apart from the compiler so the
/// editor set-up (a test compiles a sample outside Runner's compile path) can list the same files.
/// </summary>
internal static class ScriptReferences
{
    /// <summary>Namespaces every script can use without a using directive.</summary>
    public static readonly string[] Imports =
    [
        "System",
        "System.Collections.Generic",
        "System.IO",
        "System.Linq",
        "System.Net.Http",
        "System.Text",
        "System.Text.Json",
        "System.Threading",
        "System.Threading.Tasks",
        "Microsoft.Extensions.Logging",
        "Microsoft.Graph",
        "Microsoft.Graph.Models",
        "Azure.ResourceManager",
        "Azure.ResourceManager.Resources",
        "Runner.Clients.PartnerCenter",
        "Runner.Scripting",
        "Runner.Tenants",
    ];

    private static readonly Lazy<IReadOnlyList<string>> Paths = new(Collect);

    private static readonly Lazy<HashSet<string>> Names = new(() =>
        new HashSet<string>(Paths.Value.Select(p => Path.GetFileNameWithoutExtension(p)), StringComparer.OrdinalIgnoreCase));

    public static IReadOnlyList<string> All => Paths.Value;

    /// <summary>The simple names of <see cref="All"/>: assemblies the host provides, which a package must not replace.</summary>
    public static IReadOnlySet<string> SimpleNames => Names.Value;

    private static IReadOnlyList<string> Collect()
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        var frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;

        // The host's trusted platform assemblies are the managed ones: no need to open every framework file to ask.
        var trusted = (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string)?.Split(Path.PathSeparator) ?? [];
        var framework = trusted.Where(p => string.Equals(Path.GetDirectoryName(p), frameworkDirectory, StringComparison.Ordinal)).ToList();
        foreach (var file in framework.Count > 0 ? framework : Directory.EnumerateFiles(frameworkDirectory, "*.dll").Where(IsManaged))
        {
            paths.Add(file);
        }

        Type[] seeds =
        [
            typeof(ScriptGlobals),
            typeof(Microsoft.Graph.GraphServiceClient),
            typeof(Microsoft.Graph.Models.User),
            typeof(Microsoft.Kiota.Abstractions.RequestInformation),
            typeof(Azure.ResourceManager.ArmClient),
            typeof(Azure.Core.TokenCredential),
            typeof(Microsoft.Extensions.Logging.ILogger),
        ];
        var pending = new Queue<Assembly>(seeds.Select(t => t.Assembly));
        var visited = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (pending.Count > 0)
        {
            var assembly = pending.Dequeue();
            if (!visited.Add(assembly.GetName().Name!) || assembly.IsDynamic || assembly.Location.Length == 0)
            {
                continue;
            }

            paths.Add(assembly.Location);
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (visited.Contains(reference.Name!))
                {
                    continue;
                }

                try
                {
                    pending.Enqueue(Assembly.Load(reference));
                }
                catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
                {
                    // An optional dependency that is not deployed cannot be referenced by scripts either.
                }
            }
        }

        return paths.ToList();
    }

    private static bool IsManaged(string path)
    {
        try
        {
            AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
