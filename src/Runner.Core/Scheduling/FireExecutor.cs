using System.Text.Json;
using Microsoft.Extensions.Logging;
using Runner.Configuration;
using Runner.Execution;
using Runner.History;

namespace Runner.Scheduling;

/// <summary>What became of one fire.</summary>
internal sealed record FireResult(string RunId, RunStatus Status, bool Retry);

/// <summary>
/// Runs one fire in a worker process and keeps history faithful whatever the worker does: the run's row is written
/// before the worker starts, attempts are numbered per scheduled occurrence, a recovery closes the attempt its dead
/// node left Running, and a worker that crashes, exits early, hangs past its limit or is cut off by shutdown leaves
/// a run that says so.
/// </summary>
internal sealed class FireExecutor(
    HostConfiguration configuration,
    IRunHistory history,
    SchedulerHostOptions options,
    HostShutdown shutdown,
    WorkerPool pool,
    SharedWorkerPool shared,
    ILogger<FireExecutor> log)
{
    /// <summary>How long a recovery waits for the lost attempt's orphaned worker to record how it ended.</summary>
    private static readonly TimeSpan OrphanGrace = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _time = options.Time;

    /// <param name="failedNodeAlive">For a recovery: whether the node taken for dead has checked in again.</param>
    public async Task<FireResult> ExecuteAsync(FireRequest fire, Func<CancellationToken, Task<bool>> failedNodeAlive, CancellationToken cancellationToken)
    {
        var config = configuration.Current;
        var snapshot = configuration.SnapshotPath;
        var isKeepAlive = fire.Job == SchedulerKeys.KeepAlive;
        config.Jobs.TryGetValue(fire.Job, out var job);
        if (job is null && !isKeepAlive)
        {
            log.LogWarning("A fire of '{Job}' arrived, but runner.yaml on this node has no such job; nothing was run.", fire.Job);
            return new FireResult("", RunStatus.Error, false);
        }

        var node = options.NodeName;
        var earlier = await history.ListOccurrenceAsync(fire.Job, fire.ScheduledFor, cancellationToken);
        if (fire.Kind == TriggerKinds.Recovery)
        {
            await NotifyNodeLostAsync(config, fire, cancellationToken);
            earlier = await SettleLostAttemptsAsync(fire, earlier, failedNodeAlive, cancellationToken);
            if (earlier.FirstOrDefault(r => r.Status == RunStatus.Running) is { } continuing)
            {
                log.LogWarning("Node {Node} was taken for dead but has checked in again: run {RunId} of {Job} goes on there and is not repeated.", continuing.Node, continuing.Id, fire.Job);
                return new FireResult(continuing.Id, RunStatus.Running, false);
            }

            if (earlier.FirstOrDefault(r => r.Status is not (RunStatus.Running or RunStatus.Interrupted)) is { } done)
            {
                // The node died after the run ended but before Quartz heard of it: the fire happened; do not repeat it.
                log.LogInformation("Run {RunId}: {Job} had already ended {Status} on {Node} before that node stopped; not run again.", done.Id, fire.Job, done.Status, done.Node);
                return new FireResult(done.Id, done.Status, false);
            }
        }

        var now = _time.GetUtcNow();
        var runId = fire.RunId is { } chosen && earlier.All(r => r.Id != chosen) ? chosen : RunIds.New(now);
        var attempt = earlier.Count == 0 ? 1 : earlier.Max(r => r.Attempt) + 1;
        await history.StartRunAsync(new RunRecord(
            runId, fire.Job, job?.Script ?? "(built-in)", fire.Kind, node, Environment.ProcessId, now, null, RunStatus.Running,
            0, 0, 0, 0, 0, 0, null, attempt, fire.Parameters.Count == 0 ? null : JsonSerializer.Serialize(fire.Parameters))
        {
            ScheduledFor = fire.ScheduledFor,
        }, CancellationToken.None);
        log.LogInformation("Run {RunId}: {Job} started ({Kind}, attempt {Attempt}) on {Node}", runId, fire.Job, fire.Kind, attempt, node);

        // The fire's span; the worker continues the trace under it (run → tenant → script → HTTP calls).
        using var span = Telemetry.RunnerTelemetry.Source.StartActivity($"fire {fire.Job}");
        span?.SetTag("runner.job", fire.Job);
        span?.SetTag("runner.run.id", runId);
        span?.SetTag("runner.trigger", fire.Kind);
        span?.SetTag("runner.attempt", attempt);
        span?.SetTag("runner.node", node);
        var order = new WorkerOrder(fire.Job, runId, fire.Kind, attempt, node, snapshot, fire.Parameters) { TraceParent = span?.Id };
        WorkerResult result;
        try
        {
            result = await RunInWorkerAsync(config, job, fire, order, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Nothing will ever report on this run: close it now with the reason instead of leaving it Running.
            var reason = $"The worker process could not be started ({e.GetType().Name}: {e.Message}); nothing ran. Check that `{options.Worker.FileName}` exists and can be run by this user.";
            await history.CloseRunAsync(runId, RunStatus.Failed, _time.GetUtcNow(), reason, CancellationToken.None);
            log.LogError("Run {RunId}: {Job} Failed: {Reason}", runId, fire.Job, reason);
            return new FireResult(runId, RunStatus.Failed, true);
        }
        catch (OperationCanceledException)
        {
            await history.CloseRunAsync(runId, RunStatus.Interrupted, _time.GetUtcNow(), "The host stopped before the run's worker started.", CancellationToken.None);
            throw;
        }

        var verdict = WorkerVerdict.From(result, config.Scheduler.ShutdownGrace);
        if (!verdict.WorkerRecorded)
        {
            if (result.ProcessId > 0)
            {
                await history.RecordProcessAsync(runId, result.ProcessId, CancellationToken.None);
            }

            await history.CloseRunAsync(runId, verdict.Status, _time.GetUtcNow(), verdict.Reason ?? verdict.Status.ToString(), CancellationToken.None);
        }

        var retry = verdict.ShouldRetry(result.Error?.ExitCode ?? result.ExitCode);
        if (!retry || attempt > (job?.Retries ?? 0))
        {
            // The occurrence's final attempt (no retry follows): its notifications go to the outbox in the same
            // database, sent by any node. An attempt that will be retried notifies nobody yet.
            try
            {
                await Notifications.NotificationOutbox.EnqueueRunAsync(history, config, runId, (result.Error?.ExitCode ?? result.ExitCode) == 3, _time, log, CancellationToken.None);
                if (await history.GetRunAsync(runId, CancellationToken.None) is { } ended)
                {
                    Telemetry.RunMetrics.Record(ended);
                    span?.SetTag("runner.run.status", ended.Run.Status.ToString());
                }
                if (isKeepAlive && verdict.Status == RunStatus.Succeeded)
                {
                    await Notifications.SystemNotifications.FromKeepAliveAsync(history, config, runId, _time, log, CancellationToken.None);
                }
            }
            catch (Exception e)
            {
                // Never the run's fault, and never a reason to retry it: say so and go on.
                log.LogError("Run {RunId}: its notifications could not be queued: {Problem}", runId, $"{e.GetType().Name}: {e.Message}");
            }
        }

        if (verdict.Status == RunStatus.Succeeded)
        {
            log.LogInformation("Run {RunId}: {Job} {Status}", runId, fire.Job, verdict.Status);
        }
        else
        {
            log.LogWarning("Run {RunId}: {Job} {Status}{Reason}", runId, fire.Job, verdict.Status, verdict.Reason is null ? "" : $": {verdict.Reason}");
        }

        return new FireResult(runId, verdict.Status, retry);
    }

    /// <summary>A recovery means a node stopped checking in: one message per lost node (every node that recovers one of its fires raises the same key).</summary>
    private async Task NotifyNodeLostAsync(RunnerConfig config, FireRequest fire, CancellationToken cancellationToken)
    {
        try
        {
            var node = fire.FailedInstance ?? "an unknown node";
            await Notifications.SystemNotifications.EnqueueAsync(history, config, NotifyEvent.Node, $"node:{node}", $"Cluster node {node} disappeared",
                [$"It stopped checking in; {options.NodeName} recovers its running fire of {fire.Job}."], fire.Job, _time, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError("The lost node could not be notified: {Problem}", e.Message);
        }
    }

    /// <summary>
    /// A recovered fire's earlier attempt may still be Running: its worker, cut off from its dead host, stops and
    /// records itself when it sees the host's pipe close, or it had just finished; or the node was not dead at all
    /// and checks in again. Give it a moment to say which, then close whatever is still open as Interrupted.
    /// </summary>
    private async Task<IReadOnlyList<RunRecord>> SettleLostAttemptsAsync(
        FireRequest fire, IReadOnlyList<RunRecord> earlier, Func<CancellationToken, Task<bool>> failedNodeAlive, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + OrphanGrace;
        while (earlier.Any(r => r.Status == RunStatus.Running) && _time.GetUtcNow() < deadline)
        {
            if (await failedNodeAlive(cancellationToken))
            {
                // Only slow (a long pause, an overloaded machine), not dead: its run is still its own.
                return earlier;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), _time, cancellationToken);
            earlier = await history.ListOccurrenceAsync(fire.Job, fire.ScheduledFor, cancellationToken);
        }

        foreach (var lost in earlier.Where(r => r.Status == RunStatus.Running))
        {
            await history.CloseRunAsync(lost.Id, RunStatus.Interrupted, _time.GetUtcNow(),
                $"The node running it ({lost.Node}) stopped before the run finished; recovered on {options.NodeName}.", cancellationToken);
        }

        return await history.ListOccurrenceAsync(fire.Job, fire.ScheduledFor, cancellationToken);
    }

    /// <summary>Runs the fire in a shared worker (the default), or in a process of its own; throws when no worker starts.</summary>
    private async Task<WorkerResult> RunInWorkerAsync(RunnerConfig config, JobSettings? job, FireRequest fire, WorkerOrder order, CancellationToken cancellationToken)
    {
        var initialLimit = JobLimits.Initial(job);
        Func<WorkerEvent, TimeSpan?> limitFor = e => JobLimits.ForRun(job, e.Tenants ?? 0, e.Parallel ?? 1, TimeSpan.FromSeconds(e.TimeoutSeconds ?? 0));
        if (shared.Enabled)
        {
            var running = shared.RunAsync(order, initialLimit, limitFor, config.Scheduler.ShutdownGrace, shutdown.Token, cancellationToken);
            RecordStartLatency(fire);
            return await running;
        }

        using var worker = await StartWorkerAsync(config, order, cancellationToken);
        RecordStartLatency(fire);
        return await WorkerProcess.RunAsync(worker, initialLimit, limitFor, config.Scheduler.ShutdownGrace, log, _time, shutdown.Token);
    }

    private void RecordStartLatency(FireRequest fire)
    {
        if (fire.Kind == TriggerKinds.Cron)
        {
            Telemetry.RunnerTelemetry.FireStartLatency.Record((_time.GetUtcNow() - fire.ScheduledFor).TotalSeconds, new KeyValuePair<string, object?>("job", fire.Job));
        }
    }

    /// <summary>A warm worker handed the fire (see <see cref="WorkerPool"/>), else a worker started for it.</summary>
    private async Task<WorkerHandle> StartWorkerAsync(RunnerConfig config, WorkerOrder order, CancellationToken cancellationToken)
    {
        while (await pool.TakeAsync(cancellationToken) is { } warm)
        {
            if (await warm.SendAsync(order))
            {
                log.LogDebug("Run {RunId}: {Job} handed to warm worker {Pid}", order.RunId, order.Job, warm.Process.Id);
                return warm;
            }

            warm.Kill();
            warm.Dispose();
        }

        var start = options.Worker.StartInfo(config.BaseDirectory, options.Environment,
            ["worker", "--config", config.FilePath, "--config-snapshot", order.ConfigSnapshot!, "--job", order.Job, "--run-id", order.RunId,
                "--trigger", order.Trigger, "--attempt", order.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture), "--node", order.Node!]);
        start.Environment["TRACEPARENT"] = order.TraceParent;
        start.Environment[WorkerExecutable.ParametersVariable] = order.Parameters.Count == 0 ? null : JsonSerializer.Serialize(new Dictionary<string, string>(order.Parameters), SchedulingJson.Default.DictionaryStringString);
        return WorkerHandle.Start(start, log);
    }
}
