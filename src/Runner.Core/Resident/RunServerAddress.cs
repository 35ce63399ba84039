using System.Collections;
using System.Text;

namespace Runner.Resident;

/// <summary>
/// Where the run server for one folder, one environment and one build of Runner listens: a Unix socket in a folder
/// only this user can open. A run is handed over only when all three are the same as when the server started, so a
/// handed-over run sees exactly the folder, variables and code an in-process run would; anything else (another shell
/// with other variables, a rebuilt Runner) finds no server and runs in its own process.
/// </summary>
internal static class RunServerAddress
{
    /// <summary>Set to "off" to never hand a run to a run server.</summary>
    public const string Switch = "RUNNER_RUN_SERVER";

    // Variables a shell changes between two commands of one session; they say nothing about the run.
    private static readonly HashSet<string> Volatile = new(StringComparer.Ordinal) { "_", "OLDPWD", "PWD", "SHLVL" };

    public static bool Supported => !OperatingSystem.IsWindows();

    public static bool Disabled(IDictionary environment) =>
        string.Equals(environment[Switch] as string, "off", StringComparison.OrdinalIgnoreCase);

    /// <summary>The socket's path for <paramref name="currentDirectory"/> and <paramref name="environment"/>, with the
    /// private folder it lives in; null when no such folder can be had (another user owns it, or it is open to others).
    /// A client passes <paramref name="create"/> false: without the folder there is no server to find, and a plain
    /// `runner run` leaves nothing behind.</summary>
    public static string? For(string currentDirectory, IDictionary environment, string runnerAssembly, bool create = true)
    {
        var folder = PrivateFolder(environment, create);
        if (folder is null)
        {
            return null;
        }

        return Path.Combine(folder, Key(currentDirectory, environment, runnerAssembly) + ".sock");
    }

    /// <summary>The server's log next to its socket.</summary>
    public static string LogOf(string socket) => Path.ChangeExtension(socket, ".log");

    internal static string Key(string currentDirectory, IDictionary environment, string runnerAssembly)
    {
        var text = new StringBuilder();
        text.Append(BuildText(runnerAssembly)).Append(Path.GetFullPath(currentDirectory)).Append('\0');
        var names = new List<string>(environment.Count);
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is string name && !Volatile.Contains(name))
            {
                names.Add(name);
            }
        }

        names.Sort(StringComparer.Ordinal);
        foreach (var name in names)
        {
            text.Append(name).Append('=').Append(environment[name] as string).Append('\0');
        }

        return Hash(text.ToString());
    }

    /// <summary>A build of Runner: <paramref name="runnerAssembly"/>'s path, time and size (rebuilt, it is another).</summary>
    internal static string BuildKey(string runnerAssembly) => Hash(BuildText(runnerAssembly));

    private static string BuildText(string runnerAssembly)
    {
        var build = new FileInfo(runnerAssembly);
        return $"{Path.GetFullPath(runnerAssembly)}\0{(build.Exists ? build.LastWriteTimeUtc.Ticks : 0)}\0{(build.Exists ? build.Length : 0)}\0";
    }

    internal static string Hash(string text) => Fnv1a(text).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    // Not a cryptographic hash on purpose: loading the crypto library costs a client more than the whole hand-over.
    // Nobody else can place a socket in the private folder, so the key only has to tell our own servers apart.
    private static ulong Fnv1a(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }

    private static string? PrivateFolder(IDictionary environment, bool create)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        var root = environment["XDG_RUNTIME_DIR"] as string is { Length: > 0 } runtime && Directory.Exists(runtime)
            ? Path.Combine(runtime, "runner")
            : Path.Combine("/tmp", $"runner-{Environment.UserName}");
        if (!create && !Directory.Exists(root))
        {
            return null;
        }

        try
        {
            var folder = Directory.CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            // A folder others can enter is never used: whoever can reach the socket runs scripts with the partner's
            // credentials. (Another user's private folder cannot be entered, so it fails on its own.)
            const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
            return (folder.UnixFileMode & others) == 0 ? folder.FullName : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
