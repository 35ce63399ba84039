using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Runner.Scheduling;

/// <summary>
/// A started worker process: its event stream on standard output, the last lines of its standard error (read from
/// the start, so a worker that waits warm never blocks on a full pipe), and its standard input, which stays open for
/// the worker's life: when the host dies, the worker sees it close.
/// </summary>
internal sealed class WorkerHandle : IDisposable
{
    private const int TailLines = 40;
    private readonly Queue<string> _tail = new();
    private readonly SemaphoreSlim _send = new(1, 1);

    private WorkerHandle(Process process, ILogger log)
    {
        Process = process;
        Errors = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync() is { } line)
            {
                lock (_tail)
                {
                    _tail.Enqueue(line);
                    if (_tail.Count > TailLines)
                    {
                        _tail.Dequeue();
                    }
                }

                log.LogDebug("worker {Pid} stderr: {Line}", process.Id, line);
            }
        });
    }

    public Process Process { get; }

    /// <summary>Ends when the worker's standard error closes.</summary>
    public Task Errors { get; }

    public static WorkerHandle Start(ProcessStartInfo start, ILogger log)
    {
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var process = new Process { StartInfo = start };
        process.Start();
        return new WorkerHandle(process, log);
    }

    public IReadOnlyList<string> Tail()
    {
        lock (_tail)
        {
            return [.. _tail];
        }
    }

    /// <summary>For a warm worker: waits for its <c>ready</c> event; false (and the worker killed) if it ended, took
    /// longer than <paramref name="timeout"/>, or the wait was cancelled.</summary>
    public async Task<bool> WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var read = Task.Run(async () =>
        {
            while (await Process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (WorkerEvent.TryParse(line)?.Event == WorkerEvent.Ready)
                {
                    return true;
                }
            }

            return false;
        });
        if (await Task.WhenAny(read, Task.Delay(timeout, cancellationToken)) == read)
        {
            return await read;
        }

        Kill();
        return false;
    }

    /// <summary>Hands a worker a fire; false when it can no longer take one (it ended meanwhile). Fires handed to a
    /// shared worker at the same moment go one line at a time: the pipe's writer is not safe for two at once, and a
    /// line lost or torn there is a fire that never starts.</summary>
    public async Task<bool> SendAsync(WorkerOrder order)
    {
        if (Process.HasExited)
        {
            return false;
        }

        await _send.WaitAsync();
        try
        {
            await Process.StandardInput.WriteLineAsync(order.ToJsonLine());
            await Process.StandardInput.FlushAsync();
            return true;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            return false;
        }
        finally
        {
            _send.Release();
        }
    }

    /// <summary>Ends a warm worker that never got a fire: closing its input is the host going away, and it exits.</summary>
    public async Task RetireAsync(TimeSpan grace)
    {
        try
        {
            await _send.WaitAsync();
            try
            {
                Process.StandardInput.Close();
            }
            finally
            {
                _send.Release();
            }

            using var wait = new CancellationTokenSource(grace);
            await Process.WaitForExitAsync(wait.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException)
        {
            Kill();
        }
    }

    public void Kill()
    {
        try
        {
            Process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public void Dispose() => Process.Dispose();
}
