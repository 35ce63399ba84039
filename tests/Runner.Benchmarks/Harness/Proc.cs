using System.Collections;
using System.Diagnostics;

namespace Runner.Benchmarks.Harness;

/// <summary>How a child process ended: exit code, wall time from just before start to exit, and its output.</summary>
/// <param name="Cpu">User + system CPU time of the process and anything it waited for.</param>
/// <param name="PeakRssMb">Its peak resident set (VmHWM, see <see cref="PeakRss"/>) when asked for, else NaN.</param>
internal sealed record ProcResult(int ExitCode, TimeSpan Elapsed, string Output, string Error, TimeSpan Cpu, double PeakRssMb = double.NaN)
{
    public ProcResult EnsureSuccess(string what) => ExitCode == 0
        ? this
        : throw new InvalidOperationException($"{what} exited {ExitCode}.\n{Error}\n{Output}".TrimEnd());
}

/// <summary>Child processes with a clean environment: no RUNNER_* from the caller, no .NET first-run chatter.</summary>
internal static class Proc
{
    public static Dictionary<string, string?> Environment()
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            var key = (string)entry.Key;
            if (!key.StartsWith("RUNNER", StringComparison.Ordinal))
            {
                environment[key] = entry.Value as string;
            }
        }

        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["DOTNET_NOLOGO"] = "1";
        environment["MSBUILDDISABLENODEREUSE"] = "1";
        return environment;
    }

    public static ProcessStartInfo Info(string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        foreach (var (key, value) in environment ?? Environment())
        {
            start.Environment[key] = value;
        }

        return start;
    }

    /// <summary>Runs to exit. The clock covers process creation to exit, as a shell's `time` would.</summary>
    /// <param name="peakRss">Also read the process's peak resident set while it runs.</param>
    public static async Task<ProcResult> RunAsync(ProcessStartInfo start, string? input = null, TimeSpan? timeout = null, bool peakRss = false)
    {
        using var process = new Process { StartInfo = start };
        var cpuBefore = ReapedChildrenCpu();
        var clock = Stopwatch.StartNew();
        process.Start();
        await using var rss = peakRss ? PeakRss.Watch(process) : null;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not exit within {timeout}.");
        }

        clock.Stop();
        var exitCode = process.ExitCode;
        var cpu = ReapedChildrenCpu() - cpuBefore;
        var peak = rss is null ? double.NaN : await rss.StopAsync();
        return new ProcResult(exitCode, clock.Elapsed, await output, await error, cpu, peak);
    }

    public static Task<ProcResult> RunAsync(string fileName, IEnumerable<string> arguments, string workingDirectory, string? input = null, TimeSpan? timeout = null) =>
        RunAsync(Info(fileName, arguments, workingDirectory), input, timeout);

    /// <summary>
    /// CPU time of this process's children that have ended and been waited for (cutime + cstime in /proc/self/stat):
    /// the difference around one child's run is that child's CPU, as long as no other child ends meanwhile.
    /// </summary>
    public static TimeSpan ReapedChildrenCpu() => StatCpu("/proc/self/stat", 13);

    /// <summary>CPU time (utime + stime) a running process has used so far.</summary>
    public static TimeSpan Cpu(int processId) => StatCpu($"/proc/{processId}/stat", 11);

    /// <summary>CPU time a running process has used so far plus that of its children it has waited for (a host and
    /// the workers that have ended).</summary>
    public static TimeSpan CpuWithReapedChildren(int processId) => StatCpu($"/proc/{processId}/stat", 11) + StatCpu($"/proc/{processId}/stat", 13);

    /// <param name="index">Of the first of two adjacent fields, counted after the ") " that ends the command name.</param>
    private static TimeSpan StatCpu(string path, int index)
    {
        try
        {
            var stat = File.ReadAllText(path);
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[index], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[index + 1], System.Globalization.CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ is 100 on Linux
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }
    }

    /// <summary>SIGTERM, as systemd or Ctrl+C would stop it (Process.Kill is SIGKILL).</summary>
    public static async Task TerminateAsync(Process process)
    {
        using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }
}
