using System.CommandLine;
using Microsoft.Extensions.Logging;
using Runner.Cli.Composition;
using Runner.Cli.Rendering;
using Runner.Scheduling;

namespace Runner.Cli.Commands;

/// <summary>runner host: the scheduler, in the foreground (run it under systemd or a container runtime).</summary>
internal static class HostCommand
{
    public static Command Create(CliConsole console)
    {
        var node = new Option<string?>("--node") { Description = "This host's name in history and in a cluster (default: scheduler.nodeName, else the machine name)." };
        var command = new Command("host", CommandHelp.With("Run the scheduler: every job in runner.yaml on its cron schedule, each fire in its own worker process. Stops gracefully on Ctrl+C or SIGTERM.", "runner host"))
        {
            node,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var verbose = GlobalOptions.Verbose(parse);
            await using var context = new CliContext(console, GlobalOptions.Config(parse), verbose);
            try
            {
                var config = context.LoadConfig();
                if (parse.GetValue(node) is { Length: > 0 } name)
                {
                    config = config with { Scheduler = config.Scheduler with { NodeName = name } };
                }

                var level = verbose ? LogLevel.Debug : LogLevel.Information;
                var options = new SchedulerHostOptions(config, console.Environment, WorkerExecutables.Resolve(console.Environment),
                    new StderrLoggerProvider(console.Error, level, context.Redactor), level, context.Redactor, context.Services.Time)
                {
                    ExtraLogProvider = context.TelemetryLogs,
                };
                if (!config.Web.Configured)
                {
                    await SchedulerHost.RunAsync(options, cancellation);
                    return ExitCodes.Success;
                }

                // web: in runner.yaml: the console runs beside the scheduler, over the same stores, and stops with it.
                var sources = await ConsoleComposition.OpenAsync(context, config, cancellation);
                await using var web = Runner.Web.WebConsole.Build(sources, new StderrLoggerProvider(console.Error, verbose ? LogLevel.Debug : LogLevel.Warning, context.Redactor));
                await web.StartAsync(cancellation);
                await console.Error.WriteLineAsync($"Runner console on {WebListen.Addresses(web)}.");
                try
                {
                    await SchedulerHost.RunAsync(options, cancellation);
                }
                finally
                {
                    await web.StopAsync(CancellationToken.None);
                }

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
