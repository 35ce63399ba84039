using System.Collections.Concurrent;

namespace Runner.Execution;

/// <summary>
/// Writes lines to the console from a thread of its own, in the order they were posted. What a script prints reaches
/// Runner inside the console's own lock (Console.Out is a synchronized writer), and on Unix every write to standard
/// error takes that same lock: echoing a line to standard error right there deadlocked two tenants, one printing to
/// standard output while the other printed to standard error. Posting never blocks on the console.
/// </summary>
internal sealed class LinePump : IDisposable
{
    private readonly BlockingCollection<string> _lines = new();
    private readonly Thread _thread;

    public LinePump(Action<string> write, Action flush)
    {
        _thread = new Thread(() =>
        {
            foreach (var line in _lines.GetConsumingEnumerable())
            {
                write(line);
                if (_lines.Count == 0)
                {
                    flush();
                }
            }

            flush();
        })
        {
            IsBackground = true,
            Name = "script output",
        };
        _thread.Start();
    }

    /// <summary>Queues a line; after <see cref="Dispose"/> (a script still printing past its run's end) it is dropped
    /// here — the tenant's log keeps it.</summary>
    public void Post(string line)
    {
        try
        {
            _lines.Add(line);
        }
        catch (InvalidOperationException)
        {
            // Completed: the run is over.
        }
    }

    /// <summary>Writes what is queued, then stops.</summary>
    public void Dispose()
    {
        _lines.CompleteAdding();
        _thread.Join(TimeSpan.FromSeconds(30));
    }
}
