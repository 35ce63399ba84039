using System.Collections.Concurrent;

namespace Runner.Scripting;

/// <summary>
/// In a shared worker, which fire's script each thread is running at this moment. Environment.Exit runs the process's
/// exit handlers on another thread, with no trace of the caller; the caller's thread, though, stays inside the script
/// until the process is gone. So every piece of a script runs under a synchronization context that records its
/// thread as the fire's while it runs (its awaits come back through that context), and at exit the threads still
/// recorded say which fire ended the process.
/// </summary>
internal static class ScriptOwnership
{
    private static readonly ConcurrentDictionary<int, string> Running = new();

    /// <summary>The fire (run id) the current code belongs to; set by the shared worker for each fire.</summary>
    public static readonly AsyncLocal<string?> Owner = new();

    /// <summary>Only a shared worker pays for the bookkeeping.</summary>
    public static bool Enabled { get; set; }

    /// <summary>
    /// The fire whose script is blocked in a call that does not return (Environment.Exit), or null when that is not
    /// clear: the thread recorded through a few samples a short while apart. Other fires' threads come and go
    /// meanwhile (the process keeps running while its exit handlers do); the exiting one stays.
    /// </summary>
    public static string? Stuck(int samples = 5, int intervalMs = 20)
    {
        var stuck = Running.ToHashSet();
        for (var i = 1; i < samples && stuck.Count > 1; i++)
        {
            Thread.Sleep(intervalMs);
            stuck.IntersectWith(Running);
        }

        var runs = stuck.Select(p => p.Value).Distinct(StringComparer.Ordinal).ToList();
        return runs.Count == 1 ? runs[0] : null;
    }

    /// <summary>Starts a script's invocation under its fire's context (or as is, outside a shared worker).</summary>
    public static Task<T> Run<T>(Func<Task<T>> start)
    {
        if (!Enabled || Owner.Value is not { } run)
        {
            return start();
        }

        var previous = SynchronizationContext.Current;
        var context = new OwnedContext(run);
        SynchronizationContext.SetSynchronizationContext(context);
        try
        {
            return context.Within(start);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    /// <summary>Runs continuations on the thread pool like the default context, with the thread marked as the fire's.</summary>
    private sealed class OwnedContext(string run) : SynchronizationContext
    {
        public override void Post(SendOrPostCallback d, object? state) =>
            ThreadPool.UnsafeQueueUserWorkItem(_ => Run(d, state), null);

        public override void Send(SendOrPostCallback d, object? state) => Run(d, state);

        public override SynchronizationContext CreateCopy() => this;

        public T Within<T>(Func<T> action)
        {
            var thread = Environment.CurrentManagedThreadId;
            var outer = Running.TryGetValue(thread, out var before) ? before : null;
            Running[thread] = run;
            try
            {
                return action();
            }
            finally
            {
                if (outer is null)
                {
                    Running.TryRemove(thread, out _);
                }
                else
                {
                    Running[thread] = outer;
                }
            }
        }

        private void Run(SendOrPostCallback d, object? state)
        {
            var previous = Current;
            SetSynchronizationContext(this);
            try
            {
                Within(() =>
                {
                    d(state);
                    return 0;
                });
            }
            finally
            {
                SetSynchronizationContext(previous);
            }
        }
    }
}
