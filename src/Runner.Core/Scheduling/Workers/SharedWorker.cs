using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Runner.Scheduling;

/// <summary>
/// The host's side of one shared worker process (<see cref="SharedWorkerLoop"/>): hands it fires, reads its one event
/// stream and routes each line to its fire by run id, and when the process ends settles every fire still in it. The
/// fire that ended it, when known, is told apart from the others: a script that called Environment.Exit (the worker
/// says so), a fire past its hard limit (the host killed it for that), or the only fire running. Every other fire it
/// held is reported as ended by that one, to be retried.
/// </summary>
internal sealed class SharedWorker : IDisposable
{
    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private readonly object _sync = new();
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private (string RunId, WorkerKill Kill)? _killedFor;
    private string? _fatalRun;
    private int _taken;

    private SharedWorker(WorkerHandle handle, ILogger log, TimeProvider time)
    {
        Handle = handle;
        _log = log;
        _time = time;
    }

    public WorkerHandle Handle { get; }

    public int InFlight => _slots.Count;

    /// <summary>Fires handed to it so far.</summary>
    public int Taken => Volatile.Read(ref _taken);

    /// <summary>Takes no new fire: it is being recycled, or it ended.</summary>
    public bool Retiring { get; private set; }

    public bool HasExited => Handle.Process.HasExited;

    /// <summary>Ends when the process has ended and every fire in it is settled.</summary>
    public Task Ended { get; private set; } = Task.CompletedTask;

    /// <summary>Starts a worker and waits for it to be ready; null (and the process gone) if it does not get there.</summary>
    public static async Task<SharedWorker?> StartAsync(System.Diagnostics.ProcessStartInfo start, TimeSpan readyTimeout, ILogger log, TimeProvider time, CancellationToken cancellationToken)
    {
        var handle = WorkerHandle.Start(start, log);
        if (!await handle.WaitReadyAsync(readyTimeout, cancellationToken))
        {
            log.LogWarning("A shared worker did not get ready (exit {Code}): {Tail}", handle.Process.HasExited ? handle.Process.ExitCode : -1, string.Join(" | ", handle.Tail()));
            handle.Kill();
            handle.Dispose();
            return null;
        }

        var worker = new SharedWorker(handle, log, time);
        worker.Ended = Task.Run(worker.ReadAsync);
        return worker;
    }

    /// <summary>Hands a fire to the worker; null when it can no longer take one.</summary>
    public async Task<Task<WorkerResult>?> RunAsync(WorkerOrder order, TimeSpan initialLimit, Func<WorkerEvent, TimeSpan?> limitFor)
    {
        var slot = new Slot(order.RunId, initialLimit, limitFor, _time.GetTimestamp());
        lock (_sync)
        {
            if (Retiring || HasExited)
            {
                return null;
            }

            _slots[order.RunId] = slot;
            _taken++;
        }

        slot.Deadline = new Timer(_ => Kill(slot.RunId, WorkerKill.TimedOut), null, initialLimit, Timeout.InfiniteTimeSpan);
        if (!await Handle.SendAsync(order))
        {
            _slots.TryRemove(order.RunId, out _);
            slot.Deadline.Dispose();
            return null;
        }

        return slot.Result.Task;
    }

    /// <summary>Kills the process for one fire: past its hard limit, or past the shutdown grace.</summary>
    public void Kill(string runId, WorkerKill kill)
    {
        lock (_sync)
        {
            if (!_slots.ContainsKey(runId) || _killedFor is not null)
            {
                return;
            }

            _killedFor = (runId, kill);
            Retiring = true;
        }

        _log.LogWarning("Killing shared worker {Pid} for run {RunId} ({Reason}); its other fires ({Others}) are retried",
            Handle.Process.Id, runId, kill == WorkerKill.TimedOut ? "past its hard limit" : "shutdown grace over", InFlight - 1);
        Handle.Kill();
    }

    /// <summary>Takes no new fire; ends the process once the fires in it are done.</summary>
    public async Task RetireAsync(TimeSpan grace)
    {
        lock (_sync)
        {
            Retiring = true;
            if (!_slots.IsEmpty)
            {
                return;
            }
        }

        await Handle.RetireAsync(grace);
    }

    /// <summary>Whether the last fire has left a retiring worker, whose input may now close.</summary>
    public bool IdleAndRetiring
    {
        get
        {
            lock (_sync)
            {
                return Retiring && _slots.IsEmpty;
            }
        }
    }

    private async Task ReadAsync()
    {
        var output = Handle.Process.StandardOutput;
        while (await output.ReadLineAsync() is { } line)
        {
            if (WorkerEvent.TryParse(line) is not { RunId: { } runId } e)
            {
                _log.LogDebug("shared worker {Pid}: {Line}", Handle.Process.Id, line);
                continue;
            }

            if (e.Event == SharedWorkerLoop.Fatal)
            {
                _fatalRun = runId;
                continue;
            }

            if (!_slots.TryGetValue(runId, out var slot))
            {
                continue;
            }

            switch (e.Event)
            {
                case WorkerEvent.RunStarted when slot.LimitFor(e) is { } limit:
                    slot.Limit = limit;
                    var remaining = limit - _time.GetElapsedTime(slot.Started);
                    slot.Deadline?.Change(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
                    break;
                case WorkerEvent.RunFinished:
                    Settle(slot, new WorkerResult(e.ExitCode ?? 0, e, null, WorkerKill.None, slot.Limit, []));
                    break;
                case WorkerEvent.Failed:
                    Settle(slot, new WorkerResult(e.ExitCode ?? 1, null, e, WorkerKill.None, slot.Limit, Handle.Tail()));
                    break;
            }
        }

        await Handle.Process.WaitForExitAsync();
        await Task.WhenAny(Handle.Errors, Task.Delay(TimeSpan.FromSeconds(5), _time));
        SettleTheRest();
    }

    /// <summary>The process ended with fires in it: say which one ended it, and that the others were ended by it.</summary>
    private void SettleTheRest()
    {
        lock (_sync)
        {
            Retiring = true;
        }

        var left = _slots.Values.OrderBy(s => s.Started).ToList();
        if (left.Count == 0)
        {
            return;
        }

        var exit = Handle.Process.ExitCode;
        var tail = Handle.Tail();
        var culprit = _killedFor?.RunId ?? _fatalRun ?? (left.Count == 1 ? left[0].RunId : null);
        var endedBy = culprit is not null ? $"run {culprit}" : $"one of runs {string.Join(", ", left.Select(s => s.RunId))}";
        _log.LogWarning("Shared worker {Pid} ended (exit {Code}) with {Count} fire(s) in it; ended by {Culprit}", Handle.Process.Id, exit, left.Count, endedBy);
        foreach (var slot in left)
        {
            var kill = _killedFor is { } k && (k.Kill == WorkerKill.Shutdown || k.RunId == slot.RunId) ? k.Kill : WorkerKill.None;
            var result = new WorkerResult(exit, null, null, kill, slot.Limit, tail);
            Settle(slot, kill == WorkerKill.None && slot.RunId != culprit ? result with { EndedBy = endedBy } : result);
        }
    }

    private void Settle(Slot slot, WorkerResult result)
    {
        if (_slots.TryRemove(slot.RunId, out _))
        {
            slot.Deadline?.Dispose();
            slot.Result.TrySetResult(result with { ProcessId = Handle.Process.Id });
        }
    }

    public void Dispose()
    {
        foreach (var slot in _slots.Values)
        {
            slot.Deadline?.Dispose();
        }

        Handle.Dispose();
    }

    private sealed class Slot(string runId, TimeSpan limit, Func<WorkerEvent, TimeSpan?> limitFor, long started)
    {
        public string RunId { get; } = runId;

        public TimeSpan Limit { get; set; } = limit;

        public Func<WorkerEvent, TimeSpan?> LimitFor { get; } = limitFor;

        public long Started { get; } = started;

        public Timer? Deadline { get; set; }

        public TaskCompletionSource<WorkerResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
