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
            return !process.HasExited && !IsGoneOrNotAProcess(processId);
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
    /// Linux only, from one read of /proc/PID/status. A killed process whose parent died first stays a zombie until
    /// something reaps it (containers often have no init that does); it runs nothing, so it counts as gone. And a
    /// thread's id answers as a process (/proc/TID exists) while process and thread ids come from one pool (32,768 ids
    /// on many machines), so a dead worker's id is soon a thread of some other process: that is not the worker, and
    /// its run must still be closed.
    /// </summary>
    private static bool IsGoneOrNotAProcess(int processId)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            foreach (var line in File.ReadLines($"/proc/{processId}/status"))
            {
                if (line.StartsWith("State:", StringComparison.Ordinal) && line.AsSpan(6).Trim() is [ 'Z' or 'X', .. ])
                {
                    return true;
                }

                if (line.StartsWith("Tgid:", StringComparison.Ordinal))
                {
                    // State comes before Tgid in the file.
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
}
