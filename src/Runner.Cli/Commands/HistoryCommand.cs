using System.CommandLine;
using Runner.Cli.Composition;
using Runner.Cli.Rendering;
using Runner.Configuration;

namespace Runner.Cli.Commands;

/// <summary>runner history [job] [--last N]: recent runs, newest first, from every trigger and every node.</summary>
internal static class HistoryCommand
{
    public static Command Create(CliConsole console)
    {
        var job = new Argument<string?>("job") { Arity = ArgumentArity.ZeroOrOne, Description = "Only this job's runs." };
        var last = new Option<int>("--last", "-n") { Description = "How many runs (default 20).", DefaultValueFactory = _ => 20 };
        var output = new Option<OutputFormat?>("--output", "-o") { Description = "table or json." };
        var command = new Command("history", "List recent runs: trigger, attempt, node, status and tenant counts.") { job, last, output };
        command.SetAction(async (parse, cancellation) =>
        {
            var verbose = parse.GetValue(GlobalOptions.Verbose);
            await using var context = new CliContext(console, parse.GetValue(GlobalOptions.Config), verbose);
            try
            {
                var count = parse.GetValue(last);
                if (count is < 1 or > 10000)
                {
                    throw new UsageException($"--last must be between 1 and 10000, found {count}.");
                }

                var config = context.LoadConfig();
                await using var history = new StoreAccess(context, config).OpenHistory();
                var runs = await history.ListRunsAsync(parse.GetValue(job), count, cancellation);
                if (parse.GetValue(output) == OutputFormat.Json)
                {
                    HistoryRenderer.WriteListJson(runs, console.Output);
                }
                else
                {
                    HistoryRenderer.WriteList(runs, console.Out);
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
