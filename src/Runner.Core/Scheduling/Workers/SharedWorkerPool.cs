using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Runner.Scheduling;

/// <summary>
/// Shared workers (scheduler.workers.mode: shared, the default): one worker process started with the host serves
/// the fires, many at once, so a fire costs a script's load and run instead of a process start-up. A worker is
/// recycled after scheduler.workers.maxFires fires or once its working set passes maxMemoryMb: it takes no new fire,
/// its replacement starts at once, and it exits when its last fire is done. Past maxConcurrentFires in one worker a
/// second one starts (up to maxWorkers). A script that ends its process ends only that worker; see
/// <see cref="SharedWorker"/> for what the other fires in it are told.
/// </summary>
internal sealed class SharedWorkerPool(HostConfiguration configuration, SchedulerHostOptions options, ILogger<SharedWorkerPool> log) : IHostedService
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(2);

    private readonly object _sync = new();
    private readonly List<SharedWorker> _workers = [];
    private readonly SemaphoreSlim _starting = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private Task _prestart = Task.CompletedTask;

    public bool Enabled => configuration.Current.Scheduler.Workers.Mode == Configuration.WorkerMode.Shared;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Enabled)
        {
            // One worker ready before the first fire; a failure here is the first fire's to report.
            _prestart = Task.Run(async () =>
            {
                try
                {
                    await AcquireAsync(_stopping.Token);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    log.LogDebug("No shared worker started ahead of the fires: {Problem}", e.Message);
                }
            });
        }

        return Task.CompletedTask;
    }

    /// <summary>Runs one fire in a shared worker. Throws when no worker could be started (the fire is then closed as
    /// one whose worker could not start).</summary>
    public async Task<WorkerResult> RunAsync(WorkerOrder order, TimeSpan initialLimit, Func<WorkerEvent, TimeSpan?> limitFor,
        TimeSpan shutdownGrace, CancellationToken shutdown, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var worker = await AcquireAsync(cancellationToken);
            if (await worker.RunAsync(order, initialLimit, limitFor) is not { } running)
            {
                if (attempt > 3)
                {
                    throw new InvalidOperationException("No shared worker took the fire (each ended as it was handed one).");
                }

                continue;
            }

            log.LogDebug("Run {RunId}: {Job} handed to shared worker {Pid}", order.RunId, order.Job, worker.Handle.Process.Id);
            using var onShutdown = shutdown.Register(() => _ = Task.Delay(shutdownGrace, options.Time).ContinueWith(
                _ => worker.Kill(order.RunId, WorkerKill.Shutdown), TaskScheduler.Default));
            var result = await running;
            await AfterFireAsync(worker);
            return result;
        }
    }

    /// <summary>A worker with room for a fire: the least busy one that is not retiring, a new one when all are full
    /// and there is room for another, else the least busy.</summary>
    private async Task<SharedWorker> AcquireAsync(CancellationToken cancellationToken)
    {
        var settings = configuration.Current.Scheduler.Workers;
        while (true)
        {
            SharedWorker? best;
            bool startAnother;
            lock (_sync)
            {
                _workers.RemoveAll(w => w.HasExited && w.InFlight == 0 && Forget(w));
                var open = _workers.Where(w => !w.Retiring && !w.HasExited).OrderBy(w => w.InFlight).ToList();
                best = open.FirstOrDefault();
                startAnother = (best is null || best.InFlight >= settings.MaxConcurrentFires) && _workers.Count(w => !w.HasExited) < settings.MaxWorkers;
                if (best is not null && !startAnother)
                {
                    return best;
                }
            }

            if (!startAnother)
            {
                // Every worker is retiring and none may be added yet: wait for one to end.
                await Task.Delay(TimeSpan.FromMilliseconds(50), options.Time, cancellationToken);
                continue;
            }

            await _starting.WaitAsync(cancellationToken);
            try
            {
                lock (_sync)
                {
                    // Another fire may have started one meanwhile.
                    var open = _workers.Where(w => !w.Retiring && !w.HasExited).OrderBy(w => w.InFlight).FirstOrDefault();
                    if (open is not null && open.InFlight < settings.MaxConcurrentFires)
                    {
                        return open;
                    }
                }

                var started = await StartOneAsync(cancellationToken);
                if (started is not null)
                {
                    return started;
                }

                if (best is not null)
                {
                    return best;
                }

                throw new InvalidOperationException($"A shared worker could not be started; check that `{options.Worker.FileName}` exists and can be run by this user.");
            }
            finally
            {
                _starting.Release();
            }
        }
    }

    private async Task<SharedWorker?> StartOneAsync(CancellationToken cancellationToken)
    {
        var config = configuration.Current;
        var start = options.Worker.StartInfo(config.BaseDirectory, options.Environment,
            ["worker", "--shared", "--config", config.FilePath, "--config-snapshot", configuration.SnapshotPath]);
        var worker = await SharedWorker.StartAsync(start, ReadyTimeout, log, options.Time, cancellationToken);
        if (worker is not null)
        {
            log.LogInformation("Shared worker {Pid} ready", worker.Handle.Process.Id);
            lock (_sync)
            {
                _workers.Add(worker);
            }
        }

        return worker;
    }

    /// <summary>After each fire: recycle a worker that has served its share or grown past the memory mark, starting
    /// its replacement now so no fire waits for it; end a retiring worker once it is idle.</summary>
    private async Task AfterFireAsync(SharedWorker worker)
    {
        var settings = configuration.Current.Scheduler.Workers;
        if (!worker.Retiring && !worker.HasExited)
        {
            worker.Handle.Process.Refresh();
            var megabytes = worker.Handle.Process.HasExited ? 0 : worker.Handle.Process.WorkingSet64 / (1024 * 1024);
            if (worker.Taken >= settings.MaxFires || megabytes >= settings.MaxMemoryMb)
            {
                log.LogInformation("Recycling shared worker {Pid} after {Fires} fires at {Megabytes} MB", worker.Handle.Process.Id, worker.Taken, megabytes);
                await worker.RetireAsync(TimeSpan.FromSeconds(5));
                if (!_stopping.IsCancellationRequested)
                {
                    _ = Task.Run(() => AcquireAsync(_stopping.Token)).ContinueWith(
                        t => log.LogWarning("The replacement shared worker did not start: {Problem}", t.Exception?.InnerException?.Message),
                        CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                }
            }
        }

        if (worker.IdleAndRetiring && !worker.HasExited)
        {
            await worker.RetireAsync(TimeSpan.FromSeconds(5));
        }
    }

    private static bool Forget(SharedWorker worker)
    {
        worker.Dispose();
        return true;
    }

    /// <summary>After the scheduler has stopped (its fires are settled): idle workers see their input close and exit.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _prestart;
        List<SharedWorker> workers;
        lock (_sync)
        {
            workers = [.. _workers];
            _workers.Clear();
        }

        await Task.WhenAll(workers.Select(w => w.Handle.RetireAsync(TimeSpan.FromSeconds(5))));
        await Task.WhenAll(workers.Select(w => Task.WhenAny(w.Ended, Task.Delay(TimeSpan.FromSeconds(5)))));
        workers.ForEach(w => w.Dispose());
    }
}
