using System.CommandLine;
using Microsoft.Extensions.Logging;
using Runner.Cli.Composition;
using Runner.Cli.Rendering;
using Runner.Configuration;
using Runner.Redaction;
using Runner.Resident;

namespace Runner.Cli.Commands;

/// <summary>
/// runner run-server start|stop|status: a resident process that `runner run` in this folder (and environment) hands
/// its runs to, so a run costs no start-up: runtime, code, runner.yaml's parsing and the HTTPS connections are warm.
/// </summary>
internal static class RunServerCommand
{
    public static Command Create(CliConsole console)
    {
        var idle = new Option<string>("--idle") { Description = "Stop after this long without a run (e.g. 15m, 2h).", DefaultValueFactory = _ => "15m" };
        var start = new Command("start", CommandHelp.With("Start a run server for this folder; `runner run` here then runs in it.", "runner run-server start", "runner run-server start --idle 2h")) { idle };
        start.SetAction((parse, cancellation) => StartAsync(console, parse.GetValue(idle)!, cancellation));
        var stop = new Command("stop", CommandHelp.With("Stop this folder's run server (runs in progress finish first).", "runner run-server stop"));
        stop.SetAction((_, cancellation) => AskAsync(console, RunServerRequest.Stop, cancellation));
        var status = new Command("status", CommandHelp.With("Whether a run server serves this folder, since when, and how many runs it served. Exit 1 when none.", "runner run-server status"));
        status.SetAction((_, cancellation) => AskAsync(console, RunServerRequest.Status, cancellation));

        var socket = new Option<string>("--socket") { Required = true };
        var serve = new Command("serve", "Be the run server (started by `runner run-server start`).") { socket, idle };
        serve.Hidden = true;
        serve.SetAction((parse, cancellation) => ServeAsync(console, parse.GetValue(socket)!, parse.GetValue(idle)!, cancellation));

        return new Command("run-server", CommandHelp.With(
            "Keep Runner loaded for this folder so that `runner run` starts at once. It serves the shell environment it was started from; a run from another environment runs in its own process as usual.",
            "runner run-server start", "runner run-server status", "runner run-server stop"))
        {
            start, stop, status, serve,
        };
    }

    private static async Task<int> StartAsync(CliConsole console, string idleText, CancellationToken cancellation)
    {
        var idle = Idle(idleText);
        var socket = Socket(console);
        if (await RunServerClient.AskAsync(socket, RunServerRequest.Status, cancellation) is { Code: 0 } running)
        {
            await console.Output.WriteAsync($"Already running. {running.Text}");
            return ExitCodes.Success;
        }

        using var process = RunServerProcess.Start(WorkerExecutables.Resolve(console.Environment), socket, idle, console.CurrentDirectory, console.Environment);
        if (await RunServerProcess.WaitReadyAsync(process, socket, TimeSpan.FromSeconds(60), console.Time, cancellation) is not { } status)
        {
            var log = RunServerAddress.LogOf(socket);
            var tail = File.Exists(log) ? string.Join(Environment.NewLine, File.ReadLines(log).TakeLast(15)) : "(no log)";
            await console.Error.WriteLineAsync($"The run server did not start. The end of its log ({log}):{Environment.NewLine}{tail}");
            return ExitCodes.Internal;
        }

        await console.Output.WriteAsync(status);
        await console.Output.WriteLineAsync("`runner run` in this folder, from a shell with this environment, now runs in it. `runner run-server stop` stops it.");
        return ExitCodes.Success;
    }

    private static async Task<int> AskAsync(CliConsole console, string kind, CancellationToken cancellation)
    {
        if (await RunServerClient.AskAsync(Socket(console), kind, cancellation) is not { } answer)
        {
            await console.Output.WriteLineAsync($"No run server serves {console.CurrentDirectory} with this environment (`runner run-server start` starts one).");
            return kind == RunServerRequest.Status ? ExitCodes.TenantsFailed : ExitCodes.Success;
        }

        await console.Output.WriteAsync(answer.Text);
        return answer.Code;
    }

    private static async Task<int> ServeAsync(CliConsole console, string socket, string idleText, CancellationToken cancellation)
    {
        using var logging = LoggerFactory.Create(builder => builder.AddProvider(new StderrLoggerProvider(console.Error, LogLevel.Information, new SecretRedactor())));
        var logger = logging.CreateLogger("Runner.RunServer");
        var options = new RunServerOptions(socket) { IdleTimeout = Idle(idleText), Time = console.Time };
        Runner.Http.CloudHttp.ShareAcrossSessions = true;
        using var listener = RunServerListener.Bind(options, (request, connection) => RunAsync(console, request, connection), logger);
        logger.LogInformation("Run server {Pid} listening on {Socket} for {Folder}.", Environment.ProcessId, socket, console.CurrentDirectory);
        await listener.RunAsync(cancellation);
        logger.LogInformation("Run server {Pid} stopped.", Environment.ProcessId);
        return ExitCodes.Success;
    }

    /// <summary>One client's command line, with its own output, error and terminal, as `runner` would run it.</summary>
    private static async Task<int> RunAsync(CliConsole server, RunServerRequest request, RunServerConnection connection)
    {
        await using var output = new FrameTextWriter(connection, RunServerFrames.Output);
        await using var error = new FrameTextWriter(connection, RunServerFrames.Error);
        if (request.Arguments is not ["run", ..])
        {
            await error.WriteLineAsync("A run server runs `runner run` only; run other commands directly.");
            return ExitCodes.Usage;
        }

        var client = new CliConsole(output, error, server.Environment, server.CurrentDirectory, request.ErrorIsTerminal, TextReader.Null,
            new CliConsole.RemoteTerminal(request.OutputIsTerminal, request.Width)) { Time = server.Time };
        var code = await CliApp.RunAsync([.. request.Arguments], client, remote: connection);
        await output.FlushAsync();
        await error.FlushAsync();
        return code;
    }

    private static string Socket(CliConsole console)
    {
        if (!RunServerAddress.Supported)
        {
            throw new UsageException("The run server needs Unix sockets with owner-only folders: Linux or macOS.");
        }

        return RunServerAddress.For(console.CurrentDirectory, console.Environment, typeof(CliApp).Assembly.Location)
            ?? throw new UsageException("No private folder for the run server's socket: $XDG_RUNTIME_DIR/runner or /tmp/runner-USER exists but others can open it. Remove it or make it yours only (chmod 700).");
    }

    private static TimeSpan Idle(string text) => DurationParser.TryParse(text, out var idle) && idle > TimeSpan.Zero
        ? idle
        : throw new UsageException($"--idle expects a duration such as 15m or 2h, found '{text}'.");
}
