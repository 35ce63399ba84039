using Runner.Runtime;
using System.CommandLine;
using Runner.Cli.Composition;
using Runner.Cli.Rendering;
using Runner.Configuration;
using Runner.Execution;
using Runner.History;
using Runner.Scheduling;
using Runner.Scripting;

namespace Runner.Cli.Commands;

/// <summary>
/// runner trigger &lt;job&gt;: asks the scheduler to run a job now, by writing a one-off trigger into the store, so a
/// running host (or any node of a cluster) picks it up; the run is recorded like every scheduled one.
/// </summary>
internal static class TriggerCommand
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(300);

    public static Command Create(CliConsole console)
    {
        var job = new Argument<string>("job") { Description = "A job in runner.yaml, or keep-alive." };
        var parameters = new Option<string[]>("--param", "-p") { Description = "A job parameter for this run, key=value. Repeatable." };
        var tenants = new Option<string[]>("--tenant", "-t") { Description = "Run for these tenants instead of the job's own (same forms as runner run). Repeatable." };
        var wait = new Option<bool>("--wait") { Description = "Wait for the run to finish, show it, and exit with its outcome." };
        var output = new Option<OutputFormat?>("--output", "-o") { Description = "With --wait: table or json." };
        var command = new Command("trigger", CommandHelp.With("Run a job now through the scheduler (reaches a running host or cluster).", "runner trigger hello --wait")) { job, parameters, tenants, wait, output };
        command.SetAction(async (parse, cancellation) =>
        {
            var verbose = GlobalOptions.Verbose(parse);
            await using var context = new CliContext(console, GlobalOptions.Config(parse), verbose);
            try
            {
                var config = context.LoadConfig();
                var name = parse.GetValue(job)!;
                var scheduled = Find(config, name);
                var given = JobParameters.ParsePairs(parse.GetValue(parameters) ?? []);
                if (parse.GetValue(tenants) is { Length: > 0 } selection)
                {
                    given = new Dictionary<string, string>(given) { [SchedulerKeys.TenantSelection] = string.Join(',', selection) };
                }

                var access = new StoreAccess(context, config);
                var runId = RunIds.New(context.Services.Time.GetUtcNow());
                await using (var client = await access.OpenSchedulerAsync(cancellation))
                {
                    await client.TriggerAsync(scheduled, runId, given, cancellation);
                    await console.Error.WriteLineAsync(await access.HostRunningAsync(client, cancellation)
                        ? $"Triggered {scheduled.Name}: run {runId}. Follow it with `runner show {runId}`."
                        : $"Queued {scheduled.Name} as run {runId}: no `runner host` is running for this store, so it starts when one does (`runner host`). `runner show {runId}` follows it.");
                    if (parse.GetValue(wait))
                    {
                        await console.Error.WriteLineAsync("Waiting for the run to finish. Ctrl+C stops waiting; the run goes on.");
                    }
                }

                if (!parse.GetValue(wait))
                {
                    await console.Output.WriteLineAsync(runId);
                    return ExitCodes.Success;
                }

                await using var history = access.OpenHistory();
                var details = await WaitAsync(history, runId, cancellation);
                if (parse.GetValue(output) == OutputFormat.Json)
                {
                    HistoryRenderer.WriteRunJson(details, console.Output);
                }
                else
                {
                    HistoryRenderer.WriteRun(details, console.Out);
                }

                return details.Run.Status switch
                {
                    RunStatus.Succeeded => ExitCodes.Success,
                    RunStatus.Error => ExitCodes.Usage,
                    RunStatus.Cancelled or RunStatus.Interrupted => ExitCodes.Interrupted,
                    _ => ExitCodes.TenantsFailed,
                };
            }
            catch (Exception e)
            {
                return Failures.Report(e, console, context.Redactor, verbose);
            }
        });
        return command;
    }

    private static ScheduledJob Find(RunnerConfig config, string name)
    {
        if (name == SchedulerKeys.KeepAlive)
        {
            return ScheduledJob.KeepAlive(config.Scheduler.KeepAliveSchedule);
        }

        if (config.Jobs.TryGetValue(name, out var job))
        {
            return ScheduledJob.From(job);
        }

        var names = config.Jobs.Keys.Append(SchedulerKeys.KeepAlive).ToList();
        var nearest = Suggest.Ranked(name, names, 3);
        throw new UsageException($"'{name}' is not a job in {config.FilePath}." + (nearest.Count > 0 ? $" Did you mean {string.Join(", ", nearest)}?" : $" Jobs: {string.Join(", ", names)}."));
    }

    private static async Task<RunDetails> WaitAsync(IRunHistory history, string runId, CancellationToken cancellation)
    {
        while (true)
        {
            if (await history.GetRunAsync(runId, cancellation) is { Run.FinishedAt: not null } details)
            {
                return details;
            }

            await Task.Delay(Poll, cancellation);
        }
    }
}
