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
        var command = new Command("history", CommandHelp.With("List recent runs: trigger, attempt, node, status and tenant counts.", "runner history hello --last 20")) { job, last, output };
        command.SetAction(async (parse, cancellation) =>
        {
            var verbose = GlobalOptions.Verbose(parse);
            await using var context = new CliContext(console, GlobalOptions.Config(parse), verbose);
            try
            {
                var count = parse.GetValue(last);
                if (count is < 1 or > 10000)
                {
                    throw new UsageException($"--last must be between 1 and 10000, found {count}.");
                }

                var config = context.LoadConfig();
                await using var history = new StoreAccess(context, config).OpenHistory();
                var name = parse.GetValue(job);
                var runs = await history.ListRunsAsync(name, count, cancellation);
                if (name is not null && runs.Count == 0)
                {
                    // No runs: a job that has not run yet, or a typo (which must not look like an empty history).
                    var known = config.Jobs.Keys.Concat((await history.ListRunsAsync(null, 10000, cancellation)).Select(r => r.Job))
                        .Distinct(StringComparer.Ordinal).ToList();
                    if (!known.Contains(name, StringComparer.Ordinal))
                    {
                        var nearest = Suggest.Ranked(name, known, 3);
                        throw new UsageException($"'{name}' is not a job in runner.yaml and has no runs in history." + (nearest.Count > 0
                            ? $" Did you mean {string.Join(", ", nearest)}?"
                            : known.Count > 0 ? $" Known: {string.Join(", ", known.Order(StringComparer.Ordinal).Take(10))}." : " Nothing has run yet."));
                    }

                    if (parse.GetValue(output) != OutputFormat.Json)
                    {
                        await console.Error.WriteLineAsync($"{name} has not run yet.");
                        return ExitCodes.Success;
                    }
                }

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
