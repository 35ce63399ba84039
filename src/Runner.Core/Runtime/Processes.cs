using System.Diagnostics;

namespace Runner.Runtime;

/// <summary>Whether a process id on this machine is still running (to find runs a crash left open).</summary>
internal static class Processes
{
    public static bool IsAlive(int processId)
    {
        if (processId == Environment.ProcessId)
        {
            return true;
        }

        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited && !IsZombie(processId) && !IsThreadOfAnother(processId);
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// On Linux a thread's id answers as a process (/proc/TID exists), and process and thread ids come from one pool
    /// (32,768 ids on many machines), so a dead worker's id is soon a thread of some other process: that is not the
    /// worker, and its run must still be closed.
    /// </summary>
    private static bool IsThreadOfAnother(int processId)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            foreach (var line in File.ReadLines($"/proc/{processId}/status"))
            {
                if (line.StartsWith("Tgid:", StringComparison.Ordinal))
                {
                    return int.TryParse(line.AsSpan(5).Trim(), out var group) && group != processId;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone meanwhile: HasExited says so next time.
        }

        return false;
    }

    /// <summary>A killed process whose parent died first stays a zombie until something reaps it (containers often
    /// have no init that does); it runs nothing, so it counts as gone.</summary>
    private static bool IsZombie(int processId)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            var end = stat.LastIndexOf(')');
            return end > 0 && end + 2 < stat.Length && stat[end + 2] is 'Z' or 'X';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
