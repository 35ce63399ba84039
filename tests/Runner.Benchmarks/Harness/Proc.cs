using System.Collections;
using System.Diagnostics;

namespace Runner.Benchmarks.Harness;

/// <summary>How a child process ended: exit code, wall time from just before start to exit, and its output.</summary>
internal sealed record ProcResult(int ExitCode, TimeSpan Elapsed, string Output, string Error)
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
    public static async Task<ProcResult> RunAsync(ProcessStartInfo start, string? input = null, TimeSpan? timeout = null)
    {
        using var process = new Process { StartInfo = start };
        var clock = Stopwatch.StartNew();
        process.Start();
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
        return new ProcResult(process.ExitCode, clock.Elapsed, await output, await error);
    }

    public static Task<ProcResult> RunAsync(string fileName, IEnumerable<string> arguments, string workingDirectory, string? input = null, TimeSpan? timeout = null) =>
        RunAsync(Info(fileName, arguments, workingDirectory), input, timeout);

    /// <summary>SIGTERM, as systemd or Ctrl+C would stop it (Process.Kill is SIGKILL).</summary>
    public static async Task TerminateAsync(Process process)
    {
        using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }
}
