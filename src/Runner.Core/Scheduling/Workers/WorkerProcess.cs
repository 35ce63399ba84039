using Microsoft.Extensions.Logging;

namespace Runner.Scheduling;

/// <summary>Why the host killed a worker.</summary>
internal enum WorkerKill
{
    None,

    /// <summary>The fire passed its hard time limit.</summary>
    TimedOut,

    /// <summary>The host was stopping and the shutdown grace ran out.</summary>
    Shutdown,
}

/// <summary>How a worker process ended, as the host saw it.</summary>
internal sealed record WorkerResult(int ExitCode, WorkerEvent? Finished, WorkerEvent? Error, WorkerKill Killed, TimeSpan Limit, IReadOnlyList<string> StandardErrorTail)
{
    /// <summary>In a shared worker: the run whose script ended the process this fire was running in (or "one of runs
    /// …" when the worker could not tell), when it was not this fire's own.</summary>
    public string? EndedBy { get; init; }

    /// <summary>The worker process the fire ran in (0 when none started).</summary>
    public int ProcessId { get; init; }
}

/// <summary>
/// Runs one worker process to its end: reads its event stream, keeps the end of its standard error, kills the whole
/// process tree when the hard limit passes (or the shutdown grace runs out), and never throws for anything the
/// worker does. Standard input stays open for the worker's life: when the host dies, the worker sees it close.
/// </summary>
internal static class WorkerProcess
{
    /// <param name="worker">Started for this fire, or a warm worker that has just been handed it.</param>
    /// <param name="limitFor">Recomputes the hard limit from the run-started event (the tenant count is known then).</param>
    public static async Task<WorkerResult> RunAsync(
        WorkerHandle worker,
        TimeSpan initialLimit,
        Func<WorkerEvent, TimeSpan?> limitFor,
        TimeSpan shutdownGrace,
        ILogger log,
        TimeProvider time,
        CancellationToken shutdown)
    {
        var process = worker.Process;
        var started = time.GetTimestamp();
        var limit = initialLimit;
        using var deadline = new CancellationTokenSource(limit, time);
        using var grace = new CancellationTokenSource();
        using var onShutdown = shutdown.Register(() => grace.CancelAfter(shutdownGrace));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, grace.Token);

        WorkerEvent? finished = null;
        WorkerEvent? error = null;
        var events = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                var e = WorkerEvent.TryParse(line);
                if (e is null)
                {
                    log.LogDebug("worker {Pid}: {Line}", process.Id, line);
                    continue;
                }

                switch (e.Event)
                {
                    case WorkerEvent.RunStarted when limitFor(e) is { } newLimit:
                        limit = newLimit;
                        var remaining = newLimit - time.GetElapsedTime(started);
                        deadline.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
                        break;
                    case WorkerEvent.RunFinished:
                        finished = e;
                        break;
                    case WorkerEvent.Failed:
                        error = e;
                        break;
                }
            }
        });

        var killed = WorkerKill.None;
        try
        {
            await process.WaitForExitAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
            killed = deadline.IsCancellationRequested ? WorkerKill.TimedOut : WorkerKill.Shutdown;
            log.LogWarning("Killing worker {Pid} ({Reason})", process.Id, killed == WorkerKill.TimedOut ? $"past its limit of {limit}" : "shutdown grace over");
            worker.Kill();
            await process.WaitForExitAsync(CancellationToken.None);
        }

        // The pipes close when the worker (and anything it started) is gone; a grandchild holding them open is not waited for.
        await Task.WhenAny(Task.WhenAll(events, worker.Errors), Task.Delay(TimeSpan.FromSeconds(5), time));
        return new WorkerResult(process.ExitCode, finished, error, killed, limit, worker.Tail()) { ProcessId = process.Id };
    }
}
