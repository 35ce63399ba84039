using System.CommandLine;
using System.Text.Json;
using Runner.Cli.Composition;
using Runner.Cli.Rendering;
using Runner.History;
using Runner.Scheduling;

namespace Runner.Cli.Commands;

/// <summary>
/// runner worker (hidden): one scheduled fire, in its own process, started by the host. Its standard output is the
/// event stream the host reads (everything else goes to standard error); the lifecycle is WorkerLifecycle's.
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
        var shared = new Option<bool>("--shared") { Description = "Serve many fires, each read as a line on standard input, until it closes." };
        var command = new Command("worker", "Run scheduled fires (started by runner host).") { job, runId, trigger, attempt, node, snapshot, warm, shared };
        command.Hidden = true;
        command.Validators.Add(result =>
        {
            if (!result.GetValue(warm) && !result.GetValue(shared) && (result.GetValue(job) is null || result.GetValue(runId) is null))
            {
                result.AddError("--job and --run-id are required (or --warm or --shared).");
            }
        });
        command.SetAction(async (parse, signals) =>
        {
            // Signals belong to the host, which gives workers their grace; only the host's pipe closing stops a worker.
            var real = ReferenceEquals(console.Output, Console.Out);
            var worker = console;
            if (real)
            {
                // Standard output is the event stream: whatever else writes to Console.Out goes to standard error. Both
                // written past Console's streams (see WorkerStreams), or two tenants printing at once could hang.
                var error = WorkerStreams.Error();
                Console.SetOut(error);
                Console.SetError(error);
                worker = new CliConsole(WorkerStreams.Output(), error, console.Environment, console.CurrentDirectory, console.Interactive, console.Input)
                {
                    Browser = console.Browser,
                    Time = console.Time,
                };
            }

            // Many fires of a shared worker write to the one stream: each line whole (WorkerStreams' writers already are).
            var events = parse.GetValue(shared) ? TextWriter.Synchronized(worker.Output) : worker.Output;

            var hostPipe = ReferenceEquals(worker.Input, Console.In);
            var input = hostPipe ? (Console.IsInputRedirected ? WorkerStreams.Input() : null) : worker.Input;
            var verbose = GlobalOptions.Verbose(parse);
            var configPath = GlobalOptions.Config(parse);
            var lifecycle = new WorkerLifecycle
            {
                NewContext = () => new CliContext(worker, configPath, verbose),
                Events = events,
                Error = worker.Error,
                Input = input,
                Snapshot = parse.GetValue(snapshot),
                CurrentDirectory = worker.CurrentDirectory,
                ExitCode = RunCommand.ExitCode,
                Report = (e, context) => Failures.Report(e, worker, context.Redactor, verbose),
            };
            if (parse.GetValue(shared))
            {
                return input is null
                    ? throw new InvalidOperationException("runner worker --shared reads its fires from standard input, which is not redirected.")
                    : await SharedWorkerLoop.RunAsync(lifecycle, input);
            }

            if (parse.GetValue(warm))
            {
                return await lifecycle.RunWarmAsync(ExitCodes.Success);
            }

            var order = new WorkerOrder(parse.GetValue(job)!, parse.GetValue(runId)!, parse.GetValue(trigger)!, parse.GetValue(attempt),
                parse.GetValue(node), parse.GetValue(snapshot), Parameters(worker))
            {
                TraceParent = worker.Environment["TRACEPARENT"] as string,
            };
            return await lifecycle.RunColdAsync(order, watchHost: hostPipe);
        });
        return command;
    }

    /// <summary>Manual fires pass their parameters in the environment, never on the command line.</summary>
    private static IReadOnlyDictionary<string, string> Parameters(CliConsole console) =>
        console.Environment[WorkerExecutable.ParametersVariable] is string { Length: > 0 } json
            ? JsonSerializer.Deserialize(json, SchedulingJson.Default.DictionaryStringString) ?? []
            : new Dictionary<string, string>();
}
