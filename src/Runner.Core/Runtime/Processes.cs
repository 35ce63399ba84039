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
            return !process.HasExited;
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
}
