using System.Collections;
using System.Diagnostics;
using Runner.Scheduling;

namespace Runner.Resident;

/// <summary>
/// Starts `runner run-server serve` in the background, detached from the terminal and from the caller's output (so a
/// caller that reads `runner run-server start`'s output to its end is not kept waiting for the server), with its
/// output going to its log.
/// </summary>
internal static class RunServerProcess
{
    private const string DynamicPgo = "DOTNET_TieredPGO";

    public static Process Start(WorkerExecutable runner, string socket, TimeSpan idle, string currentDirectory, IDictionary environment)
    {
        // sh puts the server's standard streams on the log and /dev/null, and setsid (where there is one) gives it its
        // own session: closing the terminal or Ctrl+C in it does not reach the server.
        var start = runner.StartInfo(currentDirectory, environment, []);
        start.FileName = "/bin/sh";
        start.ArgumentList.Clear();
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("""log="$1"; shift; if command -v setsid >/dev/null 2>&1; then exec setsid "$@" >>"$log" 2>&1 </dev/null; else exec "$@" >>"$log" 2>&1 </dev/null; fi""");
        start.ArgumentList.Add("runner-run-server");
        start.ArgumentList.Add(RunServerAddress.LogOf(socket));
        start.ArgumentList.Add(runner.FileName);
        foreach (var argument in runner.PrefixArguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var argument in new[] { "run-server", "serve", "--socket", socket, "--idle", $"{(long)idle.TotalSeconds}s" })
        {
            start.ArgumentList.Add(argument);
        }

        // The CLI turns dynamic PGO off (a run is too short for it to pay back); a server lives for many runs and
        // gains from it: 10,000-tenant served runs 9.1 → 8.1 s of CPU each after the first. An operator's own
        // setting stands.
        if (!start.Environment.ContainsKey(DynamicPgo))
        {
            start.Environment[DynamicPgo] = "1";
        }

        start.UseShellExecute = false;
        return Process.Start(start) ?? throw new InvalidOperationException("The run server's process did not start.");
    }

    /// <summary>Waits until the server answers at <paramref name="socket"/>: its status line, or null when the process
    /// ended first or <paramref name="limit"/> passed.</summary>
    public static async Task<string?> WaitReadyAsync(Process process, string socket, TimeSpan limit, TimeProvider time, CancellationToken cancellation)
    {
        var started = time.GetTimestamp();
        while (time.GetElapsedTime(started) < limit)
        {
            if (await RunServerClient.AskAsync(socket, RunServerRequest.Status, cancellation) is { Code: 0 } status)
            {
                return status.Text;
            }

            // The process is sh until it execs the server; either exiting before answering means no server.
            if (process.HasExited)
            {
                return null;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancellation);
        }

        return null;
    }
}
