using System.CommandLine;
using System.Text.Json;
using Runner.Cli.Composition;
using Runner.Cli.Rendering;
using Runner.Configuration;
using Runner.Execution;
using Runner.History;
using Runner.Scheduling;

namespace Runner.Cli.Commands;

/// <summary>
/// runner worker (hidden): one scheduled fire, started by the host in its own process. The same run path as
/// `runner run`; its standard output is the event stream the host reads (everything else goes to standard error).
/// It stops when the host does: its standard input is the host's pipe, and end-of-file means the host is gone.
/// </summary>
internal static class WorkerCommand
{
    public static Command Create(CliConsole console)
    {
        var job = new Option<string>("--job") { Required = true, Description = "The job in runner.yaml (or keep-alive)." };
        var runId = new Option<string>("--run-id") { Required = true };
        var trigger = new Option<string>("--trigger") { DefaultValueFactory = _ => TriggerKinds.Manual };
        var attempt = new Option<int>("--attempt") { DefaultValueFactory = _ => 1 };
        var node = new Option<string?>("--node");
        var snapshot = new Option<string?>("--config-snapshot") { Description = "The runner.yaml text the host validated (read instead of the file)." };
        var command = new Command("worker", "Run one scheduled fire (started by runner host).") { job, runId, trigger, attempt, node, snapshot };
        command.Hidden = true;
        command.SetAction(async (parse, signals) =>
        {
            // Signals belong to the host, which gives workers their grace; only the host's pipe closing stops a worker.
            var events = console.Output;
            if (ReferenceEquals(console.Output, Console.Out))
            {
                Console.SetOut(Console.Error);
            }

            using var hostGone = new CancellationTokenSource();
            if (ReferenceEquals(console.Input, Console.In) && Console.IsInputRedirected)
            {
                _ = WatchHostAsync(hostGone);
            }

            var verbose = parse.GetValue(GlobalOptions.Verbose);
            await using var context = new CliContext(console, parse.GetValue(GlobalOptions.Config), verbose);
            var writer = new WorkerEventWriter(events, 0, TimeSpan.Zero);
            try
            {
                var config = parse.GetValue(snapshot) is { } copy
                    ? ConfigLoader.Parse(await File.ReadAllTextAsync(copy, CancellationToken.None),
                        ConfigLoader.Locate(parse.GetValue(GlobalOptions.Config), console.CurrentDirectory, console.Environment) ?? copy, console.Environment)
                    : context.LoadConfig();
                var name = parse.GetValue(job)!;
                var request = name == SchedulerKeys.KeepAlive
                    ? new JobRequest { Job = name, ScriptPath = "(built-in)" }
                    : RunCommand.BuildRequest(config, name, [], [], Parameters(console), null, null, false, false, console);
                request = request with
                {
                    RunId = parse.GetValue(runId),
                    Trigger = parse.GetValue(trigger)!,
                    Attempt = parse.GetValue(attempt),
                    Node = parse.GetValue(node) ?? config.Scheduler.NodeName ?? Environment.MachineName,
                    UseLastGoodScript = true,
                };
                writer = new WorkerEventWriter(events, request.Parallel ?? config.Defaults.Parallel, request.Timeout ?? config.Defaults.Timeout);
                var session = await context.OpenSessionAsync(config, hostGone.Token);
                var outcome = name == SchedulerKeys.KeepAlive
                    ? await KeepAliveRun.RunAsync(session, request, writer, hostGone.Token)
                    : await new JobRunner(session).RunAsync(request, writer, hostGone.Token);
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
        });
        return command;
    }

    /// <summary>Manual fires pass their parameters in the environment, never on the command line.</summary>
    private static IReadOnlyList<string> Parameters(CliConsole console) =>
        console.Environment[WorkerExecutable.ParametersVariable] is string { Length: > 0 } json
            ? (JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? []).Select(p => $"{p.Key}={p.Value}").ToList()
            : [];

    private static async Task WatchHostAsync(CancellationTokenSource hostGone)
    {
        try
        {
            await using var input = Console.OpenStandardInput();
            var buffer = new byte[256];
            while (await input.ReadAsync(buffer) > 0)
            {
            }
        }
        catch (IOException)
        {
        }

        await hostGone.CancelAsync();
    }
}
