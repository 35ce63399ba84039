using System.Collections;
using System.Runtime;

namespace Runner.Startup;

/// <summary>
/// .NET's multi-core JIT for Runner's own start-up. Even ReadyToRun, a framework-dependent `runner run` JIT-compiles
/// about 1,000 methods (the framework's generics over Runner's value types, which no ReadyToRun image can hold), a
/// third of a warm one-tenant run, all on the thread that is starting the run. <see cref="ProfileOptimization"/>
/// records which methods a command compiled and, the next time, compiles them on another core before they are
/// called: measured side by side (medians of 20, alternating), a warm one-tenant run 300 → 240 ms of wall time for
/// about 55 ms more CPU.
/// </summary>
/// <remarks>
/// One profile per command and build in the user's cache folder (<c>$XDG_CACHE_HOME/runner/jit/BUILD/</c>, else
/// <c>~/.cache/…</c>; <c>%LOCALAPPDATA%\runner\jit\…</c> on Windows), and for `runner run` one per script: the runtime
/// loads the assemblies a profile names, so a run plays only what a run of the same script used. A process that
/// compiled a script keeps its recording to itself, or the next, cached, run would load the compiler for nothing.
/// The runtime overwrites the profile it was started with, so each process plays a copy of its own and renames it over
/// the shared one at the end: processes started at once never write one file together. Anything that fails here (no
/// home, a read-only disk) only means no profile; <see cref="Switch"/> = off turns it off.
/// </remarks>
internal sealed class JitProfile
{
    /// <summary>Set to "off" to neither play nor record start-up profiles.</summary>
    public const string Switch = "RUNNER_JIT_PROFILE";

    /// <summary>The commands an operator starts often and that end on their own. A long-lived one (host, web,
    /// run-server, sandbox) starts once and gains nothing. None the host starts: its workers are ended by the host
    /// rather than ending on their own, and `check` (which the host runs to compile its jobs' scripts) mostly compiles,
    /// and a compiling process keeps no profile anyway.</summary>
    private static readonly HashSet<string> Commands = new(StringComparer.Ordinal)
    {
        "run", "tenants", "history", "show", "jobs", "trigger", "audit", "secret", "auth", "new", "notify", "api-key",
        "init",
    };

    // A process's own copy outlives it only when the process was killed; one that old is nobody's.
    private static readonly TimeSpan Leftover = TimeSpan.FromHours(1);

    // A profile no process played for this long (a script since deleted, a build since replaced) is removed.
    private static readonly TimeSpan Unused = TimeSpan.FromDays(30);

    private readonly string _own;
    private readonly string _shared;

    private JitProfile(string own, string shared)
    {
        _own = own;
        _shared = shared;
    }

    /// <summary>The profile's name for a command line: the command's, and for `run` the script's in this folder;
    /// null for a command that keeps none.</summary>
    public static string? NameFor(IReadOnlyList<string> args, string currentDirectory) => args switch
    {
        ["run", var target, ..] when !target.StartsWith('-') => "run-" + Resident.RunServerAddress.Hash($"{Path.GetFullPath(currentDirectory)}\0{target}"),
        [var command, ..] when Commands.Contains(command) => command,
        _ => null,
    };

    /// <summary>The profile's folder: <paramref name="build"/> under the user's cache folder; null without one.</summary>
    public static string? FolderFor(IDictionary environment, string build)
    {
        string? cache;
        if (OperatingSystem.IsWindows())
        {
            cache = environment["LOCALAPPDATA"] as string;
        }
        else if (environment["XDG_CACHE_HOME"] as string is { Length: > 0 } xdg && Path.IsPathRooted(xdg))
        {
            cache = xdg;
        }
        else
        {
            cache = environment["HOME"] is string { Length: > 0 } home
                ? Path.Combine(home, OperatingSystem.IsMacOS() ? "Library/Caches" : ".cache")
                : null;
        }

        return cache is { Length: > 0 } ? Path.Combine(cache, "runner", "jit", build) : null;
    }

    /// <summary>Plays the profile <paramref name="name"/> from the last time and records this process's; null when
    /// it is switched off or there is nowhere to keep it.</summary>
    public static JitProfile? Start(string name, IDictionary environment, string build, TimeProvider time)
    {
        if (Environment.ProcessorCount < 2
            || string.Equals(environment[Switch] as string, "off", StringComparison.OrdinalIgnoreCase)
            || FolderFor(environment, build) is not { } folder)
        {
            return null;
        }

        try
        {
            if (!Directory.Exists(folder))
            {
                Directory.CreateDirectory(folder);
                RemoveUnused(Path.GetDirectoryName(folder)!, time);
            }
            else
            {
                RemoveUnused(folder, time);
            }

            if (OthersCanWrite(folder))
            {
                // Whoever can write the folder decides what this process loads and compiles at start.
                return null;
            }

            var shared = Path.Combine(folder, name + ".profile");
            var own = $"{name}~{Environment.ProcessId}.profile";
            if (File.Exists(shared))
            {
                File.Copy(shared, Path.Combine(folder, own), overwrite: true);
            }

            ProfileOptimization.SetProfileRoot(folder);
            ProfileOptimization.StartProfile(own);
            return new JitProfile(Path.Combine(folder, own), shared);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Writes what this process compiled and makes it the profile for the next one, unless this process
    /// compiled a script.</summary>
    public void Stop()
    {
        // Stopping writes the recording to the file it was started with.
        ProfileOptimization.StartProfile(null);
        try
        {
            if (AppDomain.CurrentDomain.GetAssemblies().Any(a => a.FullName?.StartsWith("Microsoft.CodeAnalysis,", StringComparison.Ordinal) == true))
            {
                File.Delete(_own);
            }
            else
            {
                File.Move(_own, _shared, overwrite: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The next process records one again.
        }
    }

    /// <summary>A folder someone else may write to (XDG_CACHE_HOME pointing to a shared place) is not used.</summary>
    internal static bool OthersCanWrite(string folder) =>
        !OperatingSystem.IsWindows() && (File.GetUnixFileMode(folder) & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0;

    /// <summary>In <paramref name="folder"/> and the folders in it: copies left by processes killed before they could
    /// rename theirs, and profiles (and other builds' folders) nobody played for a month.</summary>
    internal static void RemoveUnused(string folder, TimeProvider time)
    {
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var file in Directory.EnumerateFiles(folder, "*.profile", SearchOption.AllDirectories))
        {
            var age = now - File.GetLastWriteTimeUtc(file);
            if (age > Unused || (age > Leftover && Path.GetFileName(file).Contains('~', StringComparison.Ordinal)))
            {
                TryDelete(() => File.Delete(file));
            }
        }

        foreach (var build in Directory.EnumerateDirectories(folder))
        {
            if (!Directory.EnumerateFileSystemEntries(build).Any() && now - Directory.GetLastWriteTimeUtc(build) > Leftover)
            {
                TryDelete(() => Directory.Delete(build));
            }
        }
    }

    private static void TryDelete(Action delete)
    {
        try
        {
            delete();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // In use by a process of that build, or gone already.
        }
    }
}
