using Runner.Execution;

namespace Runner.Scheduling;

/// <summary>What a worker's end means for its run: the status history records and, when the worker could not say
/// it itself, the reason in plain words.</summary>
internal sealed record WorkerVerdict(RunStatus Status, string? Reason, bool WorkerRecorded)
{
    private const int SignalBase = 128;
    private const int SigAbort = 6;
    private const int SigKill = 9;

    public static WorkerVerdict From(WorkerResult result, TimeSpan shutdownGrace)
    {
        if (result.Killed == WorkerKill.TimedOut)
        {
            return new(RunStatus.TimedOut, $"The run did not finish within its hard time limit of {result.Limit} (jobTimeout); its worker process was killed.", false);
        }

        if (result.Killed == WorkerKill.Shutdown)
        {
            return new(RunStatus.Interrupted, $"The host was shutting down and the run did not finish within the shutdown grace of {shutdownGrace} (scheduler.shutdownGrace); its worker process was killed.", false);
        }

        if (result.EndedBy is { } culprit)
        {
            return new(RunStatus.Failed,
                $"Worker ended by another job's script ({culprit}) while this run was in it (exit code {result.ExitCode}); retried per the job's retries.", false);
        }

        if (result.Finished is { Status: { } status } && Enum.TryParse<RunStatus>(status, out var finished))
        {
            return new(finished, null, true);
        }

        if (result.Error is { Error: { } message })
        {
            return new(RunStatus.Error, message, false);
        }

        var stderr = result.StandardErrorTail;
        var last = string.Join(" | ", stderr.Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith("at ", StringComparison.Ordinal)).TakeLast(3));
        if (stderr.Any(l => l.Contains("Stack overflow", StringComparison.OrdinalIgnoreCase)))
        {
            return new(RunStatus.Failed, $"The worker process crashed with a stack overflow (exit code {result.ExitCode}): a script recursed without end. {Frames(stderr)}".TrimEnd(), false);
        }

        if (result.ExitCode > SignalBase && result.ExitCode <= SignalBase + 64)
        {
            var signal = result.ExitCode - SignalBase;
            var name = signal switch { SigAbort => "SIGABRT", SigKill => "SIGKILL", 11 => "SIGSEGV", 15 => "SIGTERM", _ => $"signal {signal}" };
            return new(RunStatus.Failed, $"The worker process was ended by {name} (exit code {result.ExitCode}) before finishing the run.{(last.Length > 0 ? $" Last output: {last}" : "")}", false);
        }

        return new(RunStatus.Failed,
            $"The worker process exited with code {result.ExitCode} before finishing the run: the script (or something it called) ended the process, for example with Environment.Exit.{(last.Length > 0 ? $" Last output: {last}" : "")}",
            false);
    }

    /// <summary>Failed and timed-out runs are retried; a compile or configuration error (2) or a credential that needs an
    /// operator (3) would only fail again.</summary>
    public bool ShouldRetry(int exitCode) => Status switch
    {
        RunStatus.Failed or RunStatus.TimedOut => true,
        RunStatus.Error => exitCode is not (2 or 3),
        _ => false,
    };

    /// <summary>The first script frames of a stack overflow trace, which say where the recursion is.</summary>
    private static string Frames(IReadOnlyList<string> stderr)
    {
        var frames = stderr.Select(l => l.Trim()).Where(l => l.StartsWith("at Submission#", StringComparison.Ordinal)).Distinct().Take(1).ToList();
        return frames.Count == 0 ? "" : $"Innermost frame: {frames[0][3..]}.";
    }
}
