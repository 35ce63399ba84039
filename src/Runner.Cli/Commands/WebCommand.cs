using System.CommandLine;
using Microsoft.Extensions.Logging;
using Runner.Cli.Composition;
using Runner.Cli.Rendering;
using Runner.Web;

namespace Runner.Cli.Commands;

/// <summary>runner web: the operator console alone, over the same stores as the host (every node's runs in a cluster).</summary>
internal static class WebCommand
{
    public static Command Create(CliConsole console)
    {
        var listen = new Option<string?>("--listen") { Description = "Address to listen on, e.g. http://127.0.0.1:8080 (default: web.listen in runner.yaml)." };
        var command = new Command("web", CommandHelp.With("Serve the operator console (pages and /api/v1) from this project's stores. Ctrl+C stops it.", "runner web --listen http://127.0.0.1:8080")) { listen };
        command.SetAction(async (parse, cancellation) =>
        {
            var verbose = GlobalOptions.Verbose(parse);
            await using var context = new CliContext(console, GlobalOptions.Config(parse), verbose);
            try
            {
                var config = context.LoadConfig();
                if (parse.GetValue(listen) is { } given)
                {
                    config = config with { Web = config.Web with { Listen = WebListen.Parse(given, config.Web.SignIn is not null), PublicUrl = WebListen.Parse(given, config.Web.SignIn is not null) } };
                }

                var sources = await ConsoleComposition.OpenAsync(context, config, cancellation);
                await using var app = WebConsole.Build(sources, new StderrLoggerProvider(console.Error, verbose ? LogLevel.Debug : LogLevel.Warning, context.Redactor));
                await app.StartAsync(cancellation);
                await console.Error.WriteLineAsync($"Runner console on {WebListen.Addresses(app)}. Ctrl+C stops it.");
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellation);
                }
                catch (OperationCanceledException)
                {
                }

                await app.StopAsync(CancellationToken.None);
                return ExitCodes.Success;
            }
            catch (Exception e)
            {
                return Failures.Report(e, console, context.Redactor, verbose);
            }
        });
        return command;
    }
}
