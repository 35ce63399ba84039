using System.Diagnostics;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Reliability;

/// <summary>
/// Makes a workspace's state folder read-only or full for one `runner` child process, by the most faithful means
/// this machine allows. Root ignores file modes, so where possible the child runs in a private mount namespace
/// (`unshare -m` as root, `unshare -rm` otherwise) over a read-only bind mount or a small tmpfs: nothing outside
/// the child sees the mounts, and they vanish with it.
/// </summary>
internal static class StateConfinement
{
    private static readonly Lazy<string[]?> Namespace = new(ProbeNamespace);

    /// <summary>How the last confinement was made, for the test's messages.</summary>
    public static string Describe(bool readOnly) => (readOnly, Namespace.Value is not null, Environment.IsPrivilegedProcess) switch
    {
        (true, true, _) => "a read-only bind mount in a private mount namespace",
        (true, false, false) => "file modes (chmod a-w)",
        (true, false, true) => "a regular file where the state folder should be (root ignores file modes and cannot mount here)",
        (false, _, _) => "a tmpfs with no space left, in a private mount namespace",
    };

    /// <summary>Starts `runner args` with the state folder read-only; dispose the result to undo what was changed.</summary>
    public static (RunnerProcess Process, IDisposable Undo) ReadOnly(Workspace workspace, params string[] args)
    {
        var state = workspace.StatePath;
        if (Namespace.Value is { } wrapper)
        {
            var process = RunnerProcess.StartInShell(workspace, wrapper,
                $"mount --bind {Quote(state)} {Quote(state)} && mount -o remount,bind,ro {Quote(state)} || exit 97", args);
            return (process, new Undo(() => { }));
        }

        if (!Environment.IsPrivilegedProcess && !OperatingSystem.IsWindows())
        {
            SetWritable(state, writable: false);
            return (RunnerProcess.StartDll(workspace, args), new Undo(() =>
            {
                if (!OperatingSystem.IsWindows())
                {
                    SetWritable(state, writable: true);
                }
            }));
        }

        var aside = state + ".aside";
        Directory.Move(state, aside);
        File.WriteAllText(state, "not a folder");
        return (RunnerProcess.StartDll(workspace, args), new Undo(() =>
        {
            File.Delete(state);
            Directory.Move(aside, state);
        }));
    }

    /// <summary>Why a full disk cannot be made here, or null when it can.</summary>
    public static string? CannotFill => Namespace.Value is null
        ? "A full state folder needs a small file system of its own, and this machine allows no private mount namespace (unshare -m, or unshare -rm without root). " +
          "Filling the real disk is no option, and a file size limit (ulimit -f) cannot stand in: it also keeps the .NET runtime from starting."
        : null;

    /// <summary>Starts `runner args` with <paramref name="freeKilobytes"/> left on the state folder's file system (a tmpfs
    /// holding a copy of the state, in a private mount namespace). Check <see cref="CannotFill"/> first.</summary>
    public static RunnerProcess Full(Workspace workspace, int freeKilobytes, params string[] args)
    {
        var wrapper = Namespace.Value ?? throw new InvalidOperationException(CannotFill);
        var state = workspace.StatePath;
        var copy = workspace.Path(".state-copy");
        CopyFolder(state, copy);
        return RunnerProcess.StartInShell(workspace, wrapper,
            $"mount -t tmpfs -o size=4m tmpfs {Quote(state)} && cp -a {Quote(copy)}/. {Quote(state)}/ || exit 97\n" +
            $"dd if=/dev/zero of={Quote(state)}/.filler bs=4k 2>/dev/null\n" +
            (freeKilobytes > 0 ? $"truncate -s -{freeKilobytes}K {Quote(state)}/.filler || exit 97\n" : ""),
            args);
    }

    private static string[]? ProbeNamespace()
    {
        // RUNNER_TEST_NO_MOUNTS=1 exercises the fallbacks on a machine that has mount namespaces.
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("RUNNER_TEST_NO_MOUNTS") == "1")
        {
            return null;
        }

        string[] wrapper = Environment.IsPrivilegedProcess ? ["unshare", "-m"] : ["unshare", "-rm"];
        var folder = Path.Combine(Path.GetTempPath(), $"runner-ns-probe-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var start = new ProcessStartInfo(wrapper[0]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var arg in wrapper.Skip(1).Concat(["sh", "-c", $"mount -t tmpfs -o size=64k tmpfs {Quote(folder)} && mount --bind {Quote(folder)} {Quote(folder)} && mount -o remount,bind,ro {Quote(folder)}"]))
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            process.WaitForExit(10_000);
            return process.HasExited && process.ExitCode == 0 ? wrapper : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void SetWritable(string folder, bool writable)
    {
        const UnixFileMode Write = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Append(folder))
        {
            var mode = File.GetUnixFileMode(entry);
            File.SetUnixFileMode(entry, writable ? mode | UnixFileMode.UserWrite : mode & ~Write);
        }
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    private static string Quote(string path) => $"'{path.Replace("'", "'\\''", StringComparison.Ordinal)}'";

    private sealed class Undo(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
