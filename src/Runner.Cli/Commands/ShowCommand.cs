using System.CommandLine;
using Runner.Cli.Composition;
using Runner.Cli.Rendering;
using Runner.Configuration;

namespace Runner.Cli.Commands;

/// <summary>runner show &lt;run&gt;: one run from history, with each tenant's result and log lines.</summary>
internal static class ShowCommand
{
    public static Command Create(CliConsole console)
    {
        var run = new Argument<string>("run") { Description = "A run id, or the start of one." };
        var output = new Option<OutputFormat?>("--output", "-o") { Description = "table or json (with --writes also csv)." };
        var writes = new Option<bool>("--writes") { Description = "List the run's writes (sent, or planned by a what-if run) instead of its results." };
        var command = new Command("show", CommandHelp.With("Show one run: its tenants, their results and logs.", "runner show 20261205-070000-3fa9c1", "runner show 20261205-070000 --writes")) { run, output, writes };
        command.SetAction(async (parse, cancellation) =>
        {
            var verbose = GlobalOptions.Verbose(parse);
            await using var context = new CliContext(console, GlobalOptions.Config(parse), verbose);
            try
            {
                var config = context.LoadConfig();
                var access = new StoreAccess(context, config);
                await using var history = access.OpenHistory();
                var id = parse.GetValue(run)!;
                var details = await history.GetRunAsync(id, cancellation);
                if (details is null)
                {
                    await using var scheduler = await access.OpenSchedulerAsync(cancellation);
                    if (await scheduler.FindQueuedAsync(id, cancellation) is { } queued)
                    {
                        var hosted = await access.HostRunningAsync(scheduler, cancellation);
                        HistoryRenderer.WriteQueued(queued.RunId, queued.Job, hosted, parse.GetValue(output) == OutputFormat.Json, console.Output);
                        return ExitCodes.Success;
                    }

                    var recent = await history.ListRunsAsync(null, 500, cancellation);
                    var nearest = Suggest.Ranked(id, recent.Select(r => r.Id), 3);
                    throw new UsageException($"No run matches '{id}'." + (nearest.Count > 0
                        ? $" Nearest: {string.Join(", ", nearest)}."
                        : recent.Count > 0 ? $" The latest is {recent[0].Id}; `runner history` lists recent runs." : " No run has been recorded yet."));
                }

                if (parse.GetValue(writes))
                {
                    WriteRunWrites(details, parse.GetValue(output) ?? OutputFormat.Table, console);
                }
                else if (parse.GetValue(output) == OutputFormat.Json)
                {
                    HistoryRenderer.WriteRunJson(details, console.Output);
                }
                else
                {
                    HistoryRenderer.WriteRun(details, console.Out);
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

    private static void WriteRunWrites(Runner.History.RunDetails details, OutputFormat format, CliConsole console)
    {
        switch (format)
        {
            case OutputFormat.Json:
                console.Output.WriteLine(new System.Text.Json.Nodes.JsonArray([.. details.Writes.Select(w => (System.Text.Json.Nodes.JsonNode)Runner.Writes.WriteJson.Of(w))])
                    .ToJsonString(Runner.History.RunJson.Indented));
                break;
            case OutputFormat.Csv:
                WritesRenderer.WriteCsv(details.Writes, console.Output);
                break;
            default:
                var whatIf = details.Run.Mode == "what-if";
                if (details.Writes.Count == 0)
                {
                    console.Error.WriteLine($"Run {details.Run.Id} made no writes{(whatIf ? " (what-if run: it planned none)" : "")}.");
                    return;
                }

                WritesRenderer.WriteTable(details.Writes,
                    $"Run {details.Run.Id} ({details.Run.Job}): {details.Writes.Count} write{(details.Writes.Count == 1 ? "" : "s")}{(whatIf ? " planned, what-if: none was sent" : "")}",
                    withRun: false, console.Out);
                break;
        }
    }
}
