using System.Collections.Concurrent;

namespace Runner.Scheduling;

/// <summary>
/// A shared worker (`runner worker --shared`): one process that runs many fires at once, each read as one order line
/// on standard input and run on its own, its events tagged with its run id on the one event stream. Scripts load in
/// collectible contexts (ScriptLoadContext), so a long-lived worker does not keep every script it ever ran. The host
/// recycles the worker after a number of fires or past a memory mark by closing its input once it is idle; input
/// closing with fires in flight means the host is gone, and they stop as in any worker.
/// </summary>
internal static class SharedWorkerLoop
{
    /// <summary>The event naming the run whose script ended the process (Environment.Exit).</summary>
    public const string Fatal = "fatal";

    /// <summary>Threads the pool starts without delay: enough for every fire of a busy minute to block one.</summary>
    private const int MinThreads = 64;

    public static async Task<int> RunAsync(WorkerLifecycle lifecycle, TextReader input)
    {
        var events = lifecycle.Events;
        // A script that calls Environment.Exit is still on its thread while the exit handlers run (ScriptOwnership):
        // name its run, so the host can tell the other fires in this worker which one ended it. A normal end has none.
        Scripting.ScriptOwnership.Enabled = true;
        // Fires share this process's thread pool: a script that blocks a thread (Thread.Sleep, .Result) must not leave
        // the others waiting for the pool to grow, which it does slowly past its minimum (the processor count).
        ThreadPool.GetMinThreads(out var workers, out var completion);
        ThreadPool.SetMinThreads(Math.Max(workers, MinThreads), Math.Max(completion, MinThreads));
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            if (Scripting.ScriptOwnership.Stuck() is { } run)
            {
                try
                {
                    events.WriteLine(new WorkerEvent(Fatal, RunId: run, ExitCode: Environment.ExitCode).ToJsonLine());
                    events.Flush();
                }
                catch (IOException)
                {
                }
            }
        };

        await lifecycle.RehearseAsync();
        await events.WriteLineAsync(new WorkerEvent(WorkerEvent.Ready, ProcessId: Environment.ProcessId).ToJsonLine());
        await events.FlushAsync();

        using var hostGone = new CancellationTokenSource();
        var fires = new ConcurrentDictionary<string, Task>(StringComparer.Ordinal);
        while (await input.ReadLineAsync() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            WorkerOrder order;
            try
            {
                order = WorkerOrder.Parse(line);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Not a fire: say so (the host reads standard error) and keep serving the others.
                await Console.Error.WriteLineAsync($"shared worker: ignored a line that is not a fire: {e.Message}");
                continue;
            }

            fires[order.RunId] = Task.Run(async () =>
            {
                try
                {
                    await lifecycle.RunSharedFireAsync(order, hostGone.Token);
                }
                finally
                {
                    fires.TryRemove(order.RunId, out _);
                }
            });
        }

        // The host closed the pipe: when idle, to recycle this worker; otherwise it is gone and the fires stop.
        await hostGone.CancelAsync();
        await Task.WhenAll(fires.Values);
        return 0;
    }
}
