using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Runner.Cli.Composition;
using Runner.Cli.Rendering;
using Runner.Configuration;
using Runner.Scheduling;
using Spectre.Console;

namespace Runner.Cli.Commands;

/// <summary>runner jobs: every job (and the credential keep-alive), its schedule, next fire and last run.</summary>
internal static class JobsCommand
{
    public static Command Create(CliConsole console)
    {
        var output = new Option<OutputFormat?>("--output", "-o") { Description = "table or json." };
        var command = new Command("jobs", CommandHelp.With("List scheduled jobs with their next fire times, as the scheduler store has them.", "runner jobs")) { output };
        command.SetAction(async (parse, cancellation) =>
        {
            var verbose = GlobalOptions.Verbose(parse);
            await using var context = new CliContext(console, GlobalOptions.Config(parse), verbose);
            try
            {
                var config = context.LoadConfig();
                var access = new StoreAccess(context, config);
                await using var client = await access.OpenSchedulerAsync(cancellation);
                await using var history = access.OpenHistory();
                var now = context.Services.Time.GetUtcNow();
                var jobs = await client.ListAsync(ScheduledJob.All(config), now, cancellation);
                var hostRunning = await access.HostRunningAsync(client, cancellation);
                var rows = new List<(StoredJob Job, History.RunRecord? Last)>();
                foreach (var job in jobs)
                {
                    rows.Add((job, (await history.ListRunsAsync(job.Job.Name, 1, cancellation)).FirstOrDefault()));
                }

                if (parse.GetValue(output) == OutputFormat.Json)
                {
                    WriteJson(rows, hostRunning, config, console.Output);
                    return ExitCodes.Success;
                }

                var table = new Table().Border(TableBorder.Rounded);
                table.AddColumns("Job", "Schedule", "Time zone", "Next fire", "Writes", "State", "Last run");
                foreach (var (job, last) in rows)
                {
                    table.AddRow(
                        Markup.Escape(job.Job.Name),
                        Markup.Escape(job.Job.Cron ?? "—"),
                        Markup.Escape(job.Job.TimeZone.Id),
                        Markup.Escape(Next(job, now)),
                        config.Jobs.TryGetValue(job.Job.Name, out var settings) ? (settings.Writes ? "[yellow]yes[/]" : "read-only") : "—",
                        Markup.Escape(job.RunningOn.Count > 0 ? $"running on {string.Join(", ", job.RunningOn)}" : job.State),
                        last is null ? "" : $"{HistoryRenderer.Status(last.Status)} {Markup.Escape(last.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))} ({last.Id})");
                }

                console.Out.Write(table);
                if (config.Scheduler.Store == SchedulerStoreKind.Postgres)
                {
                    foreach (var n in await client.NodesAsync(cancellation))
                    {
                        console.Out.MarkupLine($"Node [bold]{Markup.Escape(n.InstanceId)}[/]: {n.State.ToString().ToLowerInvariant()}, last check-in {Markup.Escape(n.LastCheckInUtc?.UtcDateTime.ToString("HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "never")}");
                    }
                }

                console.Out.MarkupLine(hostRunning
                    ? "A host is running: these are the fires it will make."
                    : "[yellow]No `runner host` is running for this store: nothing fires until one starts.[/]");
                return ExitCodes.Success;
            }
            catch (Exception e)
            {
                return Failures.Report(e, console, context.Redactor, verbose);
            }
        });
        return command;
    }

    private static string Next(StoredJob job, DateTimeOffset now)
    {
        if (job.NextFire is not { } next)
        {
            return "—";
        }

        var local = TimeZoneInfo.ConvertTime(next, job.Job.TimeZone);
        var until = next - now;
        var relative = until <= TimeSpan.Zero ? "due now"
            : until.TotalDays >= 1 ? $"in {(int)until.TotalDays}d {until.Hours}h"
            : until.TotalHours >= 1 ? $"in {(int)until.TotalHours}h {until.Minutes}m"
            : $"in {(int)until.TotalMinutes}m {until.Seconds}s";
        return $"{local.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} ({relative})";
    }

    private static void WriteJson(IEnumerable<(StoredJob Job, History.RunRecord? Last)> rows, bool hostRunning, RunnerConfig config, TextWriter writer)
    {
        var document = new JsonObject
        {
            ["hostRunning"] = hostRunning,
            ["jobs"] = new JsonArray(rows.Select(r => (JsonNode)new JsonObject
            {
                ["job"] = r.Job.Job.Name,
                ["schedule"] = r.Job.Job.Cron,
                ["timeZone"] = r.Job.Job.TimeZone.Id,
                ["nextFire"] = r.Job.NextFire?.UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
                ["state"] = r.Job.State,
                ["writes"] = config.Jobs.TryGetValue(r.Job.Job.Name, out var settings) ? settings.Writes : null,
                ["inStore"] = r.Job.InStore,
                ["runningOn"] = new JsonArray(r.Job.RunningOn.Select(n => (JsonNode)n!).ToArray()),
                ["lastRun"] = r.Last is null ? null : new JsonObject
                {
                    ["runId"] = r.Last.Id,
                    ["status"] = r.Last.Status.ToString(),
                    ["startedAt"] = r.Last.StartedAt.UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
                },
            }).ToArray()),
        };
        writer.WriteLine(document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
