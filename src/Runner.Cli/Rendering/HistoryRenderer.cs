using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Runner.Execution;
using Runner.History;
using Spectre.Console;

namespace Runner.Cli.Rendering;

/// <summary>Runs from history: a list (`runner history`) and one run with its tenants and logs (`runner show`).</summary>
internal static class HistoryRenderer
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void WriteList(IReadOnlyList<RunRecord> runs, IAnsiConsole console)
    {
        if (runs.Count == 0)
        {
            console.WriteLine("No runs recorded yet.");
            return;
        }

        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumns("Run", "Job", "Trigger", "Attempt", "Node", "Started (UTC)", "Duration", "Status", "Tenants", "Error");
        foreach (var run in runs)
        {
            table.AddRow(
                run.Id,
                Markup.Escape(run.Job),
                run.Trigger,
                run.Attempt.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(run.Node),
                run.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                run.Duration is { } d ? RunRenderer.Duration(d) : "",
                Status(run.Status) + (run.Mode == "what-if" ? " [blue](what-if)[/]" : ""),
                Markup.Escape(Counts(run)),
                run.Error is null ? "" : $"[red]{Markup.Escape(RunRenderer.Truncate(run.Error, 100))}[/]");
        }

        console.Write(table);
    }

    public static void WriteListJson(IReadOnlyList<RunRecord> runs, TextWriter writer) =>
        writer.WriteLine(new JsonArray(runs.Select(r => (JsonNode)RunJson.Run(r)).ToArray()).ToJsonString(Indented));

    public static void WriteRun(RunDetails details, IAnsiConsole console)
    {
        var run = details.Run;
        var facts = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        void Fact(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                facts.AddRow($"[grey]{name}[/]", Markup.Escape(value));
            }
        }

        Fact("Run", run.Id);
        Fact("Job", run.Job);
        Fact("Script", run.Script);
        Fact("Trigger", $"{run.Trigger} (attempt {run.Attempt})");
        Fact("Node", run.ProcessId is { } pid ? $"{run.Node} (process {pid})" : run.Node);
        Fact("Scheduled for", run.ScheduledFor?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture));
        Fact("Started", run.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture));
        Fact("Finished", run.FinishedAt?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture));
        Fact("Duration", run.Duration is { } d ? RunRenderer.Duration(d) : null);
        facts.AddRow("[grey]Status[/]", Status(run.Status));
        Fact("Writes", run.Mode switch
        {
            "what-if" => $"what-if: {details.Writes.Count} planned, none sent (runner show {run.Id} --writes)",
            "read-only" => "read-only: writes refused",
            _ => details.Writes.Count > 0 ? $"{details.Writes.Count} sent (runner show {run.Id} --writes)" : null,
        });
        Fact("Tenants", Counts(run));
        Fact("Parameters", run.Parameters);
        Fact("Error", run.Error);
        console.Write(facts);

        if (details.Tenants.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded);
            table.AddColumns("Tenant", "Status", "Duration", "Result", "Error");
            foreach (var t in details.Tenants.OrderBy(t => t.Domain, StringComparer.OrdinalIgnoreCase))
            {
                table.AddRow(
                    Markup.Escape(t.Domain.Length > 0 ? t.Domain : t.Name),
                    TenantStatusMarkup(t.Status),
                    RunRenderer.Duration(t.Duration),
                    Markup.Escape(RunRenderer.Truncate(t.Result ?? "", 120)),
                    t.Error is null ? "" : $"[{(t.Status == TenantStatus.Skipped ? "grey" : "red")}]{Markup.Escape(RunRenderer.Truncate(t.Error, 200))}[/]");
            }

            console.Write(table);
        }

        var byTenant = details.Tenants.ToDictionary(t => t.TenantId, t => t.Domain.Length > 0 ? t.Domain : t.Name);
        foreach (var group in details.Logs.GroupBy(l => l.TenantId))
        {
            console.MarkupLine($"[bold]Log: {Markup.Escape(byTenant.GetValueOrDefault(group.Key, group.Key))}[/]");
            foreach (var line in group)
            {
                console.WriteLine($"  {line.Time.UtcDateTime.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)} {line.Level,-11} {line.Message}");
            }
        }
    }

    /// <summary>A triggered run no host has started yet: it is not in history, but it is not lost either.</summary>
    public static void WriteQueued(string runId, string job, bool hostRunning, bool json, TextWriter writer)
    {
        if (json)
        {
            writer.WriteLine(new JsonObject { ["runId"] = runId, ["job"] = job, ["status"] = "Queued" }.ToJsonString(Indented));
            return;
        }

        writer.WriteLine(hostRunning
            ? $"Run {runId} of {job} is queued: a host will start it in a moment."
            : $"Run {runId} of {job} is queued: no `runner host` is running for this store, so it starts when one does.");
    }

    public static void WriteRunJson(RunDetails details, TextWriter writer) => writer.WriteLine(RunJson.Details(details).ToJsonString(Indented));

    private static string Counts(RunRecord run)
    {
        var parts = new List<string> { $"{run.Total}" };
        foreach (var (n, label) in new[] { (run.Succeeded, "ok"), (run.Failed, "failed"), (run.TimedOut, "timed out"), (run.Skipped, "skipped"), (run.Cancelled, "cancelled") })
        {
            if (n > 0)
            {
                parts.Add($"{n} {label}");
            }
        }

        return parts.Count == 1 ? parts[0] : $"{parts[0]}: {string.Join(", ", parts.Skip(1))}";
    }

    public static string Status(RunStatus status) => status switch
    {
        RunStatus.Succeeded => "[green]Succeeded[/]",
        RunStatus.Running => "[blue]Running[/]",
        RunStatus.Failed or RunStatus.TimedOut or RunStatus.Error => $"[red]{status}[/]",
        _ => $"[yellow]{status}[/]",
    };

    private static string TenantStatusMarkup(TenantStatus status) => status switch
    {
        TenantStatus.Succeeded => "[green]Succeeded[/]",
        TenantStatus.Skipped => "[grey]Skipped[/]",
        TenantStatus.Cancelled => "[yellow]Cancelled[/]",
        _ => $"[red]{status}[/]",
    };
}
