namespace Runner.Execution;

/// <summary>
/// What must still happen when the process is told to exit at once (a second Ctrl+C or SIGTERM): each run in
/// progress records its unfinished tenants as Cancelled and closes itself Interrupted, within a short budget, so an
/// abrupt exit never leaves a run "Running" with tenants missing.
/// </summary>
internal static class ImmediateExit
{
    private static readonly List<Func<CancellationToken, Task>> Handlers = [];

    public static IDisposable Register(Func<CancellationToken, Task> handler)
    {
        lock (Handlers)
        {
            Handlers.Add(handler);
        }

        return new Registration(handler);
    }

    /// <summary>Runs every registered handler, waiting at most <paramref name="budget"/> in all; never throws.</summary>
    public static void RunAll(TimeSpan budget)
    {
        Func<CancellationToken, Task>[] handlers;
        lock (Handlers)
        {
            handlers = [.. Handlers];
        }

        using var limit = new CancellationTokenSource(budget);
        try
        {
            Task.WaitAll(handlers.Select(h => Task.Run(() => h(limit.Token))).ToArray(), budget);
        }
        catch (Exception)
        {
            // Exiting anyway: what could not be written is closed as Interrupted at the next start (crash recovery).
        }
    }

    private sealed class Registration(Func<CancellationToken, Task> handler) : IDisposable
    {
        public void Dispose()
        {
            lock (Handlers)
            {
                Handlers.Remove(handler);
            }
        }
    }
}
