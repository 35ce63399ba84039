using Runner.Runtime;
using Microsoft.Extensions.Logging;
using Runner.Configuration;
using Runner.Execution;
using Runner.History;

namespace Runner.Scheduling;

/// <summary>
/// One scheduled fire in its own process, started by the host (`runner worker`): the same run path as `runner run`;
/// the events go to <see cref="Events"/>, which the host reads. It stops when the host does: <see cref="Input"/> is the
/// host's pipe, and end-of-file means the host is gone. A warm worker starts ahead of its fire: it rehearses the run
/// path, says ready, and waits for the fire as one line on its input (see WorkerPool).
/// </summary>
internal sealed class WorkerLifecycle
{
    /// <summary>A new context (configuration, cloud, session) for this worker's host program.</summary>
    public required Func<IWorkerContext> NewContext { get; init; }

    /// <summary>The event stream the host reads.</summary>
    public required TextWriter Events { get; init; }

    /// <summary>Where diagnostics go (never the event stream).</summary>
    public required TextWriter Error { get; init; }

    /// <summary>The host's pipe: the fire for a warm worker, and end-of-file when the host is gone. Null when not redirected.</summary>
    public TextReader? Input { get; init; }

    /// <summary>The runner.yaml text the host validated, for a warm worker (read instead of the file).</summary>
    public string? Snapshot { get; init; }

    /// <summary>Where relative script paths are resolved from.</summary>
    public required string CurrentDirectory { get; init; }

    /// <summary>The exit code an outcome gets (the CLI's contract).</summary>
    public required Func<RunOutcome, int> ExitCode { get; init; }

    /// <summary>Reports an exception that ended the fire and gives its exit code (the CLI's rendering).</summary>
    public required Func<Exception, IWorkerContext, int> Report { get; init; }

    /// <summary>Waits for the fire on <see cref="Input"/>, then runs it. Zero when the host went away before a fire came.</summary>
    public async Task<int> RunWarmAsync(int noFireCode)
    {
        if (await WaitForFireAsync() is not ({ } fire, var ready))
        {
            return noFireCode; // the host went away before it had a fire for this worker
        }

        return await RunAsync(fire, await ready.ForAsync(fire), watchHost: true);
    }

    /// <summary>Runs one fire; with <paramref name="watchHost"/>, the end of <see cref="Input"/> cancels it.</summary>
    public Task<int> RunColdAsync(WorkerOrder order, bool watchHost) => RunAsync(order, null, watchHost);

    /// <summary>One fire of a shared worker: its events carry its run id; <paramref name="hostStopped"/> is the whole
    /// worker's (the host's pipe closed).</summary>
    public Task<int> RunSharedFireAsync(WorkerOrder order, CancellationToken hostStopped) => RunAsync(order, null, false, hostStopped, shared: true);

    private async Task<int> RunAsync(WorkerOrder order, Prepared? prepared, bool watchHost, CancellationToken hostStopped = default, bool shared = false)
    {
        using var hostGone = CancellationTokenSource.CreateLinkedTokenSource(hostStopped);
        var watch = watchHost && Input is not null ? WatchHostAsync(Input, hostGone) : Task.CompletedTask;
        // Flows into the script: a script that ends the process names its run (SharedWorkerLoop's exit hook).
        Scripting.ScriptOwnership.Owner.Value = order.RunId;
        await using var context = prepared?.Context ?? NewContext();
        var stamp = shared ? order.RunId : null;
        var writer = new WorkerEventWriter(Events, 0, TimeSpan.Zero, stamp);
        System.Diagnostics.Activity? span = null;
        try
        {
            var config = prepared?.Config ?? context.LoadConfig(order.ConfigSnapshot);
            // Continue the host's trace (after the configuration, which starts the exporter): this worker's run span
            // is a child of the host's fire span.
            span = System.Diagnostics.ActivityContext.TryParse(order.TraceParent, null, out var parent)
                ? Telemetry.RunnerTelemetry.Source.StartActivity($"worker {order.Job}", System.Diagnostics.ActivityKind.Internal, parent)
                : null;
            var request = order.Job == SchedulerKeys.KeepAlive
                ? new JobRequest { Job = order.Job, ScriptPath = "(built-in)" }
                : JobRequests.Build(config, order.Job, Selection(order), [],
                    [.. order.Parameters.Where(p => p.Key != SchedulerKeys.TenantSelection).Select(p => $"{p.Key}={p.Value}")], null, null, false, false, CurrentDirectory);
            request = request with
            {
                RunId = order.RunId,
                Trigger = order.Trigger,
                Attempt = order.Attempt,
                Node = order.Node ?? config.Scheduler.NodeName ?? Environment.MachineName,
                UseLastGoodScript = true,
            };
            writer = new WorkerEventWriter(Events, request.Parallel ?? config.Defaults.Parallel, request.Timeout ?? config.Defaults.Timeout, stamp);
            var session = context.Session ?? await context.OpenSessionAsync(config, hostGone.Token);
            RunOutcome outcome;
            if (order.Job == SchedulerKeys.KeepAlive)
            {
                outcome = await KeepAliveRun.RunAsync(session, request, writer, hostGone.Token);
            }
            else
            {
                using var output = new ScriptOutputWriter(Error);
                outcome = await new JobRunner(session).RunAsync(request, new CompositeObserver(writer, output), hostGone.Token);
            }

            var status = outcome.Status;
            if (hostGone.IsCancellationRequested)
            {
                status = RunStatus.Interrupted;
                await session.History.FinishRunAsync(outcome.RunId, status, session.Services.Time.GetUtcNow(),
                    "The host stopped (crash or kill) during the run; its worker stopped too.", CancellationToken.None);
            }

            var code = ExitCode(outcome);
            writer.RunFinished(outcome.RunId, status, Enum.GetValues<TenantStatus>().ToDictionary(s => s.ToString(), outcome.Count), code);
            return code;
        }
        catch (Exception e)
        {
            var code = Report(e, context);
            writer.Failed(context.Redactor.Redact(e is Runner.Scripting.ScriptCompilationException compile
                ? string.Join(Environment.NewLine, compile.Diagnostics.Where(d => d.IsError))
                : e.Message), code);
            return code;
        }
        finally
        {
            // Ended before the context (and its exporter) is disposed, so the span is flushed with the rest.
            span?.Dispose();
            // The watch ends when the host's pipe does; a fire that finished first does not wait for that.
            _ = watch.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// A warm worker: loads the configuration, opens a session and rehearses the run path with it, tells the host it
    /// is ready, and waits for its fire. Null when standard input closes first: the host stopped, or retired this
    /// worker. What it prepared comes along, for the fire to use if still current.
    /// </summary>
    private async Task<(WorkerOrder Order, Prepared Ready)?> WaitForFireAsync()
    {
        if (Input is null)
        {
            throw new InvalidOperationException("runner worker --warm reads its fire from standard input, which is not redirected.");
        }

        var prepared = await PrepareAsync();
        await Events.WriteLineAsync(new WorkerEvent(WorkerEvent.Ready, ProcessId: Environment.ProcessId).ToJsonLine());
        await Events.FlushAsync();
        if (await Input.ReadLineAsync() is { Length: > 0 } line)
        {
            return (WorkerOrder.Parse(line), prepared);
        }

        await prepared.Context.DisposeAsync();
        return null;
    }

    /// <summary>Loads the configuration, opens a session when the cloud allows and rehearses the run path with it, so
    /// the first fire finds Runner's code compiled. A problem now is the fire's to report.</summary>
    private async Task<Prepared> PrepareAsync()
    {
        var context = NewContext();
        var snapshot = Snapshot;
        var prepared = new Prepared(context, NewContext, null, snapshot, null);
        try
        {
            var config = context.LoadConfig(snapshot);
            prepared = prepared with { Config = config };
            if (WorkerRehearsal.CanKeepSession(config))
            {
                // Read before the session reads the files, so any change after this point shows at the fire.
                var state = WorkerRehearsal.StateFingerprint(config);
                await context.OpenSessionAsync(config, CancellationToken.None);
                prepared = prepared with { State = state };
            }

            await WorkerRehearsal.RehearseAsync(config, context.Session, context.Services, context.Logging.CreateLogger("Runner.Worker"), CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A configuration or credential that does not load now is the fire's to report, with the file and line.
            await Error.WriteLineAsync($"rehearsal skipped: {context.Redactor.Redact(e.Message)}");
            prepared = prepared with { Config = null, State = null };
        }

        return prepared;
    }

    /// <summary>For a shared worker: rehearses once, then lets the prepared context go (each fire opens its own).</summary>
    public async Task RehearseAsync() => await (await PrepareAsync()).Context.DisposeAsync();

    /// <summary>
    /// What a warm worker prepared: its context, the configuration it read and, when the cloud allows, the session it
    /// opened, with a fingerprint of the state files the session read (secret store, token cache, store key).
    /// </summary>
    private sealed record Prepared(IWorkerContext Context, Func<IWorkerContext> NewContext, RunnerConfig? Config, string? Snapshot, string? State)
    {
        /// <summary>
        /// For the fire: the configuration if the fire's snapshot is the one read (snapshots are named by their
        /// content), and the session if, besides, none of the files it read has changed since. Otherwise the fire
        /// starts afresh, exactly as a worker started for it would.
        /// </summary>
        public async Task<Prepared?> ForAsync(WorkerOrder order)
        {
            if (Config is null || order.ConfigSnapshot != Snapshot)
            {
                await Context.DisposeAsync();
                return null;
            }

            if (Context.Session is not null && (State is null || WorkerRehearsal.StateFingerprint(Config) != State))
            {
                // Something was written meanwhile (a token refreshed, a secret set): read it all again.
                await Context.DisposeAsync();
                return this with { Context = NewContext(), State = null };
            }

            return this;
        }
    }

    private static async Task WatchHostAsync(TextReader input, CancellationTokenSource hostGone)
    {
        try
        {
            while (await input.ReadLineAsync() is not null)
            {
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
        }

        try
        {
            await hostGone.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // The fire finished and its token source went with it: nothing left to stop.
        }
    }

    /// <summary>The tenants a manual fire was given (console Run now, runner trigger --tenant), else none: the job's own.</summary>
    private static IReadOnlyList<string> Selection(WorkerOrder order) =>
        order.Parameters.TryGetValue(SchedulerKeys.TenantSelection, out var text)
            ? text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
}
