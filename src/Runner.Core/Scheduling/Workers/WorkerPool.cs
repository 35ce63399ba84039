using Runner.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Runner.Scheduling;

/// <summary>
/// Warm workers: `runner worker --warm` processes started ahead of the fires (scheduler.warmWorkers of them), which
/// have loaded Runner and rehearsed the run path and wait for a fire on standard input. A fire takes one and the
/// pool starts a replacement. Each still runs exactly one fire and then exits, so a fire is as isolated as in a
/// worker started for it; what it saves is the start-up, which is most of what a fire costs before its script runs.
/// <para>
/// Workers start at most as many at a time as there are processors. When more jobs fire at once than there are
/// warm workers, the later fires wait for the next worker to get ready rather than each starting its own process at
/// the same moment: a burst of processes starting together shares the processors and every one of them is late,
/// where in turn each gets them whole. With warmWorkers: 0 every fire starts its own worker.
/// </para>
/// </summary>
internal sealed class WorkerPool(HostConfiguration configuration, SchedulerHostOptions options, ScriptChecker scripts, ILogger<WorkerPool> log) : IHostedService
{
    /// <summary>How long a worker may take to start and rehearse before it is given up.</summary>
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Replacements for taken workers start this long after the take, so a burst of fires gets the
    /// processors first; a worker a fire is waiting for starts at once.</summary>
    private static readonly TimeSpan RefillDelay = TimeSpan.FromSeconds(1);

    private readonly object _sync = new();
    private readonly Queue<WorkerHandle> _ready = new();
    private readonly Queue<TaskCompletionSource<WorkerHandle?>> _waiting = new();
    private readonly SemaphoreSlim _starting = new(Math.Max(1, Environment.ProcessorCount));
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _warmups = [];
    private int _warming;

    private int Size => configuration.Current.Scheduler.Workers.Mode == WorkerMode.Single ? configuration.Current.Scheduler.WarmWorkers : 0;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Size == 0)
        {
            return Task.CompletedTask;
        }

        // The rehearsal script first (a second or two, in a child process), then the workers that rehearse with it.
        // A fire meanwhile does not wait for it: its worker rehearses without the script.
        var prepare = Task.Run(async () =>
        {
            try
            {
                var path = WorkerRehearsal.ScriptPath(configuration.Current);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllTextAsync(path, WorkerRehearsal.Script, _stopping.Token);
                await scripts.CompileBuiltInAsync(path, _stopping.Token);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                log.LogDebug("Warm workers rehearse without the rehearsal script: {Problem}", e.Message);
            }

            lock (_sync)
            {
                Refill(TimeSpan.Zero);
            }
        }, CancellationToken.None);
        lock (_sync)
        {
            _warmups.Add(prepare);
        }

        return Task.CompletedTask;
    }

    /// <summary>A warm worker for a fire: one that is ready, or the next to get ready. Null when the pool is off
    /// (warmWorkers: 0), stopping, or could not start one: then the fire starts its own.</summary>
    public async Task<WorkerHandle?> TakeAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource<WorkerHandle?> waiter;
        lock (_sync)
        {
            if (Size == 0 || _stopping.IsCancellationRequested)
            {
                return null;
            }

            while (_ready.TryDequeue(out var worker))
            {
                if (!worker.Process.HasExited)
                {
                    Refill(RefillDelay);
                    return worker;
                }

                log.LogWarning("Warm worker {Pid} ended while waiting (exit {Code}); not used.", worker.Process.Id, worker.Process.ExitCode);
                worker.Dispose();
            }

            waiter = new TaskCompletionSource<WorkerHandle?>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(waiter);
            Refill(TimeSpan.Zero);
        }

        using var cancel = cancellationToken.Register(() => waiter.TrySetResult(null));
        return await waiter.Task;
    }

    /// <summary>Starts workers until those ready or starting cover the pool's size plus every fire waiting. Under the lock.</summary>
    private void Refill(TimeSpan delay)
    {
        _warmups.RemoveAll(t => t.IsCompleted);
        while (!_stopping.IsCancellationRequested && _ready.Count + _warming < Size + _waiting.Count)
        {
            _warming++;
            _warmups.Add(WarmOneAsync(_waiting.Count > 0 ? TimeSpan.Zero : delay));
        }
    }

    private async Task WarmOneAsync(TimeSpan delay)
    {
        WorkerHandle? worker = null;
        var ready = false;
        try
        {
            await Task.Delay(delay, options.Time, _stopping.Token);
            await _starting.WaitAsync(_stopping.Token);
            try
            {
                var config = configuration.Current;
                worker = WorkerHandle.Start(options.Worker.StartInfo(config.BaseDirectory, options.Environment,
                    ["worker", "--warm", "--config", config.FilePath, "--config-snapshot", configuration.SnapshotPath]), log);
                ready = await worker.WaitReadyAsync(ReadyTimeout, _stopping.Token);
                if (!ready && !_stopping.IsCancellationRequested)
                {
                    log.LogWarning("A warm worker did not get ready (exit {Code}): {Tail}", worker.Process.HasExited ? worker.Process.ExitCode : -1, string.Join(" | ", worker.Tail()));
                }
            }
            finally
            {
                _starting.Release();
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            log.LogWarning("Could not start a warm worker: {Problem}", e.Message);
        }

        lock (_sync)
        {
            _warming--;
            if (ready && !_stopping.IsCancellationRequested)
            {
                log.LogDebug("Warm worker {Pid} ready", worker!.Process.Id);
                // Straight to the longest-waiting fire, if any; a fire that gave up waiting leaves its slot to the next.
                while (_waiting.TryDequeue(out var waiter))
                {
                    if (waiter.TrySetResult(worker))
                    {
                        return;
                    }
                }

                _ready.Enqueue(worker);
                return;
            }

            // A worker that could not start is not retried in a loop: the longest-waiting fire starts its own, which
            // reports the problem in its run.
            if (_waiting.TryDequeue(out var first))
            {
                first.TrySetResult(null);
            }
        }

        if (worker is not null)
        {
            await worker.RetireAsync(TimeSpan.FromSeconds(5));
            worker.Dispose();
        }
    }

    /// <summary>After the scheduler has stopped: idle workers see their input close and exit.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task[] warmups;
        lock (_sync)
        {
            _stopping.Cancel();
            warmups = [.. _warmups];
            while (_waiting.TryDequeue(out var waiter))
            {
                waiter.TrySetResult(null);
            }
        }

        await Task.WhenAll(warmups);
        List<WorkerHandle> idle;
        lock (_sync)
        {
            idle = [.. _ready];
            _ready.Clear();
        }

        await Task.WhenAll(idle.Select(w => w.RetireAsync(TimeSpan.FromSeconds(5))));
        idle.ForEach(w => w.Dispose());
    }
}
