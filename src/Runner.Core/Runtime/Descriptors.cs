using System.Runtime.InteropServices;

namespace Runner.Runtime;

/// <summary>
/// The process's standard file descriptors, which every process a script starts inherits (Unix only; callers skip
/// Windows). Runner keeps its own output on copies the children do not inherit, and points the standard descriptors
/// where a child can do no harm.
/// </summary>
internal static class Descriptors
{
    /// <summary>
    /// `runner run`: what a process a script starts prints goes to standard error, like what the script prints, so
    /// `--output json|csv` stays parseable. Console.Out already writes to a copy of its own (the runtime opens the
    /// console on a copy that children do not inherit), so only the children's descriptor 1 changes.
    /// </summary>
    public static void KeepChildrenOffStandardOutput()
    {
        if (!OperatingSystem.IsWindows())
        {
            _ = Console.Out; // its copy of descriptor 1 is made now, before 1 changes
            Redirect(2, 1);
        }
    }

    /// <summary>A copy of <paramref name="descriptor"/> that processes a script starts do not inherit.</summary>
    public static int Private(int descriptor)
    {
        const int SetDescriptorFlags = 2, CloseOnExec = 1; // F_SETFD, FD_CLOEXEC: the same on Linux and macOS
        var copy = Dup(descriptor);
        return copy < 0 || Fcntl(copy, SetDescriptorFlags, CloseOnExec) < 0
            ? throw new IOException($"Descriptor {descriptor} could not be copied (error {Marshal.GetLastPInvokeError()}).")
            : copy;
    }

    /// <summary>Makes <paramref name="target"/> refer to what <paramref name="source"/> refers to.</summary>
    public static void Redirect(int source, int target)
    {
        if (Dup2(source, target) < 0)
        {
            throw new IOException($"Descriptor {target} could not be redirected (error {Marshal.GetLastPInvokeError()}).");
        }
    }

    /// <summary>Points <paramref name="target"/> at /dev/null, for reading.</summary>
    public static void Empty(int target)
    {
        var empty = Open("/dev/null", 0);
        if (empty < 0)
        {
            throw new IOException($"/dev/null could not be opened (error {Marshal.GetLastPInvokeError()}).");
        }

        Redirect(empty, target);
        Close(empty);
    }

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static extern int Fcntl(int descriptor, int command, int argument);

    [DllImport("libc", EntryPoint = "dup", SetLastError = true)]
    private static extern int Dup(int descriptor);

    [DllImport("libc", EntryPoint = "dup2", SetLastError = true)]
    private static extern int Dup2(int descriptor, int target);

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int descriptor);
}
