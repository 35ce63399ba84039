using System.CommandLine;
using System.Text.Json;
using Runner.Cli.Composition;
using Runner.Cli.Rendering;
using Runner.Configuration;
using Runner.Execution;
using Runner.History;
using Microsoft.Extensions.Logging;
using Runner.Scheduling;

namespace Runner.Cli.Commands;

/// <summary>
/// runner worker (hidden): one scheduled fire, in its own process, started by the host. The same run path as
/// `runner run`; its standard output is the event stream the host reads (everything else goes to standard error).
/// It stops when the host does: its standard input is the host's pipe, and end-of-file means the host is gone.
/// With --warm it starts ahead of its fire: it rehearses the run path, says ready, and waits for the fire as one
/// line on standard input (see WorkerPool).
/// </summary>
internal static class WorkerCommand
{
    public static Command Create(CliConsole console)
    {
        var job = new Option<string?>("--job") { Description = "The job in runner.yaml (or keep-alive)." };
        var runId = new Option<string?>("--run-id");
        var trigger = new Option<string>("--trigger") { DefaultValueFactory = _ => TriggerKinds.Manual };
        var attempt = new Option<int>("--attempt") { DefaultValueFactory = _ => 1 };
        var node = new Option<string?>("--node");
        var snapshot = new Option<string?>("--config-snapshot") { Description = "The runner.yaml text the host validated (read instead of the file)." };
        var warm = new Option<bool>("--warm") { Description = "Start ahead of the fire and wait for it on standard input." };
        var command = new Command("worker", "Run one scheduled fire (started by runner host).") { job, runId, trigger, attempt, node, snapshot, warm };
        command.Hidden = true;
        command.Validators.Add(result =>
        {
            if (!result.GetValue(warm) && (result.GetValue(job) is null || result.GetValue(runId) is null))
            {
                result.AddError("--job and --run-id are required (or --warm).");
            }
        });
        command.SetAction(async (parse, signals) =>
        {
            // Signals belong to the host, which gives workers their grace; only the host's pipe closing stops a worker.
            var events = console.Output;
            if (ReferenceEquals(console.Output, Console.Out))
            {
                Console.SetOut(Console.Error);
            }

            var input = ReferenceEquals(console.Input, Console.In)
                ? (Console.IsInputRedirected ? new StreamReader(Console.OpenStandardInput()) : null)
                : console.Input;
            var verbose = parse.GetValue(GlobalOptions.Verbose);
            var configPath = parse.GetValue(GlobalOptions.Config);
            WorkerOrder order;
            Prepared? prepared = null;
            if (parse.GetValue(warm))
            {
                if (await WaitForFireAsync(console, configPath, parse.GetValue(snapshot), events, input, verbose) is not ({ } fire, var ready))
                {
                    return ExitCodes.Success; // the host went away before it had a fire for this worker
                }

                order = fire;
                prepared = await ready.ForAsync(order);
            }
            else
            {
                order = new WorkerOrder(parse.GetValue(job)!, parse.GetValue(runId)!, parse.GetValue(trigger)!, parse.GetValue(attempt),
                    parse.GetValue(node), parse.GetValue(snapshot), Parameters(console));
            }

            using var hostGone = new CancellationTokenSource();
            if (input is not null && (parse.GetValue(warm) || ReferenceEquals(console.Input, Console.In)))
            {
                _ = WatchHostAsync(input, hostGone);
            }

            return await RunAsync(console, configPath, verbose, order, prepared, events, hostGone.Token);
        });
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, string? configPath, bool verbose, WorkerOrder order, Prepared? prepared, TextWriter events, CancellationToken hostGone)
    {
        await using var context = prepared?.Context ?? new CliContext(console, configPath, verbose);
        var writer = new WorkerEventWriter(events, 0, TimeSpan.Zero);
        try
        {
            var config = prepared?.Config ?? LoadConfig(context, console, configPath, order.ConfigSnapshot);
            var request = order.Job == SchedulerKeys.KeepAlive
                ? new JobRequest { Job = order.Job, ScriptPath = "(built-in)" }
                : RunCommand.BuildRequest(config, order.Job, [], [], [.. order.Parameters.Select(p => $"{p.Key}={p.Value}")], null, null, false, false, console);
            request = request with
            {
                RunId = order.RunId,
                Trigger = order.Trigger,
                Attempt = order.Attempt,
                Node = order.Node ?? config.Scheduler.NodeName ?? Environment.MachineName,
                UseLastGoodScript = true,
            };
            writer = new WorkerEventWriter(events, request.Parallel ?? config.Defaults.Parallel, request.Timeout ?? config.Defaults.Timeout);
            var session = context.Session ?? await context.OpenSessionAsync(config, hostGone);
            var outcome = order.Job == SchedulerKeys.KeepAlive
                ? await KeepAliveRun.RunAsync(session, request, writer, hostGone)
                : await new JobRunner(session).RunAsync(request, writer, hostGone);
            var status = outcome.Status;
            if (hostGone.IsCancellationRequested)
            {
                status = RunStatus.Interrupted;
                await session.History.FinishRunAsync(outcome.RunId, status, session.Services.Time.GetUtcNow(),
                    "The host stopped (crash or kill) during the run; its worker stopped too.", CancellationToken.None);
            }

            var code = RunCommand.ExitCode(outcome);
            writer.RunFinished(outcome.RunId, status, Enum.GetValues<TenantStatus>().ToDictionary(s => s.ToString(), outcome.Count), code);
            return code;
        }
        catch (Exception e)
        {
            var code = Failures.Report(e, console, context.Redactor, verbose);
            writer.Failed(context.Redactor.Redact(e is Runner.Scripting.ScriptCompilationException compile
                ? string.Join(Environment.NewLine, compile.Diagnostics.Where(d => d.IsError))
                : e.Message), code);
            return code;
        }
    }

    /// <summary>The snapshot the host validated when it names one, else runner.yaml itself.</summary>
    private static RunnerConfig LoadConfig(CliContext context, CliConsole console, string? configPath, string? snapshot) =>
        snapshot is not null
            ? ConfigLoader.Parse(File.ReadAllText(snapshot), ConfigLoader.Locate(configPath, console.CurrentDirectory, console.Environment) ?? snapshot, console.Environment)
            : context.LoadConfig();

    /// <summary>
    /// A warm worker: loads the configuration, opens a session and rehearses the run path with it, tells the host it
    /// is ready, and waits for its fire. Null when standard input closes first: the host stopped, or retired this
    /// worker. What it prepared comes along, for the fire to use if still current.
    /// </summary>
    private static async Task<(WorkerOrder Order, Prepared Ready)?> WaitForFireAsync(CliConsole console, string? configPath, string? snapshot, TextWriter events, TextReader? input, bool verbose)
    {
        if (input is null)
        {
            throw new InvalidOperationException("runner worker --warm reads its fire from standard input, which is not redirected.");
        }

        var context = new CliContext(console, configPath, verbose);
        var prepared = new Prepared(context, null, snapshot, null);
        try
        {
            var config = LoadConfig(context, console, configPath, snapshot);
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
            await console.Error.WriteLineAsync($"rehearsal skipped: {context.Redactor.Redact(e.Message)}");
            prepared = prepared with { Config = null, State = null };
        }

        await events.WriteLineAsync(new WorkerEvent(WorkerEvent.Ready, ProcessId: Environment.ProcessId).ToJsonLine());
        await events.FlushAsync();
        if (await input.ReadLineAsync() is { Length: > 0 } line)
        {
            return (WorkerOrder.Parse(line), prepared);
        }

        await context.DisposeAsync();
        return null;
    }

    /// <summary>
    /// What a warm worker prepared: its context, the configuration it read and, when the cloud allows, the session it
    /// opened, with a fingerprint of the state files the session read (secret store, token cache, store key).
    /// </summary>
    private sealed record Prepared(CliContext Context, RunnerConfig? Config, string? Snapshot, string? State)
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
                return this with { Context = new CliContext(Context.Console, Context.ConfigPath, Context.Verbose), State = null };
            }

            return this;
        }
    }

    /// <summary>Manual fires pass their parameters in the environment, never on the command line.</summary>
    private static IReadOnlyDictionary<string, string> Parameters(CliConsole console) =>
        console.Environment[WorkerExecutable.ParametersVariable] is string { Length: > 0 } json
            ? JsonSerializer.Deserialize(json, SchedulingJson.Default.DictionaryStringString) ?? []
            : new Dictionary<string, string>();

    private static async Task WatchHostAsync(TextReader input, CancellationTokenSource hostGone)
    {
        try
        {
            while (await input.ReadLineAsync() is not null)
            {
            }
        }
        catch (IOException)
        {
        }

        await hostGone.CancelAsync();
    }
}
