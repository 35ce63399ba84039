using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Runner.Scheduling;

/// <summary>
/// Warm workers: `runner worker --warm` processes started ahead of the fires (scheduler.warmWorkers of them), which
/// have loaded Runner and rehearsed the run path and wait for a fire on standard input. A fire takes one and the
/// pool starts a replacement. Each still runs exactly one fire and then exits, so a fire is as isolated as in a
/// worker started for it; what it saves is the start-up: the fire's script starts in milliseconds instead of the
/// hundreds a new process needs, which matters when many jobs fire at the same instant. With none ready (all taken,
/// warmWorkers: 0), the fire starts its own worker as before.
/// </summary>
internal sealed class WorkerPool(HostConfiguration configuration, SchedulerHostOptions options, ILogger<WorkerPool> log) : IHostedService
{
    /// <summary>How long a warm worker may take to start and rehearse before it is given up.</summary>
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Replacements start this long after the take, so a burst of fires gets the processor first.</summary>
    private static readonly TimeSpan RefillDelay = TimeSpan.FromSeconds(1);

    private readonly ConcurrentQueue<WorkerHandle> _ready = new();
    private readonly SemaphoreSlim _warming = new(Math.Max(1, Environment.ProcessorCount));
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _refills = [];
    private int _count;

    private int Size => configuration.Current.Scheduler.WarmWorkers;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Refill(TimeSpan.Zero);
        return Task.CompletedTask;
    }

    /// <summary>A warm worker for the next fire, or null when none is ready.</summary>
    public WorkerHandle? TryTake()
    {
        WorkerHandle? taken = null;
        while (taken is null && _ready.TryDequeue(out var worker))
        {
            Interlocked.Decrement(ref _count);
            if (worker.Process.HasExited)
            {
                log.LogWarning("Warm worker {Pid} ended while waiting (exit {Code}); not used.", worker.Process.Id, worker.Process.ExitCode);
                worker.Dispose();
                continue;
            }

            taken = worker;
        }

        Refill(RefillDelay);
        return taken;
    }

    private void Refill(TimeSpan delay)
    {
        while (!_stopping.IsCancellationRequested)
        {
            var count = Volatile.Read(ref _count);
            if (count >= Size)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _count, count + 1, count) == count)
            {
                lock (_refills)
                {
                    _refills.RemoveAll(t => t.IsCompleted);
                    _refills.Add(WarmOneAsync(delay));
                }
            }
        }
    }

    private async Task WarmOneAsync(TimeSpan delay)
    {
        WorkerHandle? worker = null;
        try
        {
            await Task.Delay(delay, options.Time, _stopping.Token);
            await _warming.WaitAsync(_stopping.Token);
            try
            {
                var config = configuration.Current;
                worker = WorkerHandle.Start(options.Worker.StartInfo(config.BaseDirectory, options.Environment,
                    ["worker", "--warm", "--config", config.FilePath, "--config-snapshot", configuration.SnapshotPath]), log);
                if (await worker.WaitReadyAsync(ReadyTimeout, _stopping.Token) && !_stopping.IsCancellationRequested)
                {
                    log.LogDebug("Warm worker {Pid} ready", worker.Process.Id);
                    _ready.Enqueue(worker);
                    return;
                }

                if (!_stopping.IsCancellationRequested)
                {
                    // Not retried here (a worker that cannot start would only fail again); the next fire tries again.
                    log.LogWarning("A warm worker did not get ready (exit {Code}): {Tail}", worker.Process.HasExited ? worker.Process.ExitCode : -1, string.Join(" | ", worker.Tail()));
                }
            }
            finally
            {
                _warming.Release();
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            log.LogWarning("Could not start a warm worker: {Problem}", e.Message);
        }

        Interlocked.Decrement(ref _count);
        if (worker is not null)
        {
            await worker.RetireAsync(TimeSpan.FromSeconds(5));
            worker.Dispose();
        }
    }

    /// <summary>After the scheduler has stopped: idle workers see their input close and exit.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        Task[] refills;
        lock (_refills)
        {
            refills = [.. _refills];
        }

        await Task.WhenAll(refills);
        var idle = new List<WorkerHandle>();
        while (_ready.TryDequeue(out var worker))
        {
            idle.Add(worker);
        }

        await Task.WhenAll(idle.Select(w => w.RetireAsync(TimeSpan.FromSeconds(5))));
        idle.ForEach(w => w.Dispose());
    }
}
