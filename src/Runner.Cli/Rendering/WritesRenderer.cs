using System.Globalization;
using Runner.History;
using Runner.Writes;
using Spectre.Console;

namespace Runner.Cli.Rendering;

/// <summary>Writes for people and spreadsheets: a what-if run's plan, `runner show --writes` and `runner audit`.</summary>
internal static class WritesRenderer
{
    private const int TableLimit = 500;

    /// <summary>A table of writes: when, where, what, and the answer (or "planned" for a what-if run's).</summary>
    public static void WriteTable(IReadOnlyList<AuditedWrite> writes, string title, bool withRun, IAnsiConsole console)
    {
        var table = new Table().Border(TableBorder.Simple).Title(Markup.Escape(title));
        if (withRun)
        {
            table.AddColumns("Time (UTC)", "Run", "Job");
        }

        table.AddColumns("Tenant", "API", "Method", "Path", "Status", "Body");
        foreach (var audited in writes.Take(TableLimit))
        {
            var w = audited.Write;
            var cells = new List<string>();
            if (withRun)
            {
                cells.Add(w.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
                cells.Add(audited.RunId);
                cells.Add(Markup.Escape(audited.Job));
            }

            cells.Add(Markup.Escape(audited.Domain));
            cells.Add(w.Api);
            cells.Add(w.Method);
            // The host is the API's (the API column says which); the path is what changed.
            cells.Add(Markup.Escape(Uri.TryCreate(w.Url, UriKind.Absolute, out var url) ? url.PathAndQuery : w.Url));
            cells.Add(Status(w));
            cells.Add(Markup.Escape(RunRenderer.Truncate(w.Summary ?? "", 70)));
            table.AddRow(cells.ToArray());
        }

        console.Write(table);
        if (writes.Count > TableLimit)
        {
            console.MarkupLine($"[grey]{writes.Count - TableLimit} more writes: use --output json or --output csv for all of them.[/]");
        }
    }

    public static void WriteCsv(IReadOnlyList<AuditedWrite> writes, TextWriter writer)
    {
        string[] columns = ["at", "runId", "job", "tenantId", "domain", "api", "method", "url", "status", "requestId", "durationMs", "simulated", "bodyHash", "body"];
        writer.WriteLine(string.Join(',', columns));
        foreach (var a in writes)
        {
            var w = a.Write;
            string[] cells =
            [
                w.At.UtcDateTime.ToString("o", CultureInfo.InvariantCulture), a.RunId, a.Job, a.TenantId, a.Domain, w.Api, w.Method, w.Url,
                w.Status?.ToString(CultureInfo.InvariantCulture) ?? "", w.RequestId ?? "", ((long)w.Duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
                w.Simulated ? "true" : "false", w.BodyHash ?? "", w.Body ?? "",
            ];
            writer.WriteLine(string.Join(',', cells.Select(RunRenderer.Csv)));
        }
    }

    private static string Status(WriteRecord w) => w switch
    {
        { Simulated: true } => "[blue]planned[/]",
        { Status: null } => "[red]no answer[/]",
        { Status: >= 400 } => $"[red]{w.Status}[/]",
        _ => $"[green]{w.Status}[/]",
    };
}
