using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Runner.Configuration;
using Runner.Execution;
using Runner.History;
using Runner.Writes;
using Spectre.Console;

namespace Runner.Cli.Rendering;

/// <summary>Writes a finished run as a table (for people), JSON (one document) or CSV (for spreadsheets).</summary>
internal static class RunRenderer
{
    private const int MaxCellWidth = 60;

    public static void Write(RunOutcome run, OutputFormat format, TextWriter writer, IAnsiConsole console)
    {
        switch (format)
        {
            case OutputFormat.Json:
                RunOutcomeJson.Write(run, Ordered(run), writer);
                break;
            case OutputFormat.Csv:
                WriteCsv(run, writer);
                break;
            default:
                WriteTable(run, console);
                break;
        }
    }

    private static void WriteTable(RunOutcome run, IAnsiConsole console)
    {
        var shape = ResultShape.Of(run.Tenants);
        var anyError = run.Tenants.Any(t => t.Error is not null);
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("Tenant");
        table.AddColumn("Status");
        table.AddColumn(new TableColumn("Duration").RightAligned());
        var resultColumns = shape.ObjectColumns ?? ["Result"];
        foreach (var column in resultColumns)
        {
            table.AddColumn(Markup.Escape(column));
        }

        if (anyError)
        {
            table.AddColumn("Error");
        }

        foreach (var outcome in Ordered(run))
        {
            var cells = new List<string>
            {
                Markup.Escape(outcome.Tenant.Domain.Length > 0 ? outcome.Tenant.Domain : outcome.Tenant.CompanyName),
                Status(outcome.Status),
                Markup.Escape(Duration(outcome.Duration)),
            };
            if (shape.ObjectColumns is { } objectColumns)
            {
                var result = outcome.Result as JsonObject;
                cells.AddRange(objectColumns.Select(c => Markup.Escape(Truncate(ResultShape.Cell(result?[c]), MaxCellWidth))));
            }
            else
            {
                cells.Add(Markup.Escape(Truncate(Summary(outcome.Result), MaxCellWidth * 2)));
            }

            if (anyError)
            {
                var color = outcome.Status == TenantStatus.Skipped ? "grey" : "red";
                cells.Add(outcome.Error is null ? "" : $"[{color}]{Markup.Escape(Truncate(outcome.Error, 200))}[/]");
            }

            table.AddRow(cells.ToArray());
        }

        console.Write(table);
        if (shape.RowColumns is { } rowColumns)
        {
            WriteRows(run, rowColumns, console);
        }

        var parts = new List<string> { $"{run.Tenants.Count} tenant{(run.Tenants.Count == 1 ? "" : "s")}" };
        foreach (var status in Enum.GetValues<TenantStatus>())
        {
            var n = run.Count(status);
            if (n > 0)
            {
                parts.Add($"{n} {Label(status)}");
            }
        }

        WriteWrites(run, console);
        console.MarkupLine($"{Markup.Escape(string.Join(", ", parts))} in {Markup.Escape(Duration(run.FinishedAt - run.StartedAt))} · run [bold]{run.RunId}[/] (runner show {run.RunId})");
    }

    /// <summary>A what-if run's plan in full; an ordinary run's writes as one line pointing at the audit.</summary>
    private static void WriteWrites(RunOutcome run, IAnsiConsole console)
    {
        var writes = Ordered(run).SelectMany(t => t.Writes.Select(w => new AuditedWrite(run.RunId, run.Job, t.Tenant.Id.ToString(), t.Tenant.Domain, w))).ToList();
        var tenants = writes.Select(w => w.TenantId).Distinct().Count();
        if (run.Mode == WriteMode.WhatIf)
        {
            if (writes.Count == 0)
            {
                console.MarkupLine("[blue]What-if: the script made no writes; a real run would change nothing through Runner's clients.[/]");
                return;
            }

            WritesRenderer.WriteTable(writes, $"Planned writes (what-if: none was sent)", withRun: false, console);
            console.MarkupLine($"[blue]What-if: {writes.Count} write{(writes.Count == 1 ? "" : "s")} planned in {tenants} tenant{(tenants == 1 ? "" : "s")}, none sent. Run without --what-if to make them.[/]");
        }
        else if (writes.Count > 0)
        {
            console.MarkupLine($"{writes.Count} write{(writes.Count == 1 ? "" : "s")} sent in {tenants} tenant{(tenants == 1 ? "" : "s")}: runner show {run.RunId} --writes");
        }
    }

    private static void WriteRows(RunOutcome run, IReadOnlyList<string> columns, IAnsiConsole console)
    {
        var rows = Ordered(run).Where(t => t.Result is JsonArray).SelectMany(t => ((JsonArray)t.Result!).Select(r => (t.Tenant, Row: (JsonObject)r!))).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        const int limit = 500;
        var table = new Table().Border(TableBorder.Simple).Title($"Rows ({rows.Count})");
        table.AddColumn("Tenant");
        foreach (var column in columns)
        {
            table.AddColumn(Markup.Escape(column));
        }

        foreach (var (tenant, row) in rows.Take(limit))
        {
            table.AddRow([Markup.Escape(tenant.Domain), .. columns.Select(c => Markup.Escape(Truncate(ResultShape.Cell(row[c]), MaxCellWidth)))]);
        }

        console.Write(table);
        if (rows.Count > limit)
        {
            console.MarkupLine($"[grey]{rows.Count - limit} more rows: use --output csv or --output json for all of them.[/]");
        }
    }

    private static void WriteCsv(RunOutcome run, TextWriter writer)
    {
        var shape = ResultShape.Of(run.Tenants);
        string[] fixedColumns = ["tenantId", "domain", "companyName", "status", "durationMs", "error"];
        var resultColumns = shape.ObjectColumns ?? shape.RowColumns ?? ["result"];
        writer.WriteLine(string.Join(',', fixedColumns.Concat(resultColumns).Select(Csv)));
        foreach (var t in Ordered(run))
        {
            var prefix = new[] { t.Tenant.Id.ToString(), t.Tenant.Domain, t.Tenant.CompanyName, t.Status.ToString(), ((long)t.Duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture), t.Error ?? "" };
            if (shape.RowColumns is not null && t.Result is JsonArray rows && rows.Count > 0)
            {
                foreach (var row in rows.Cast<JsonObject>())
                {
                    writer.WriteLine(string.Join(',', prefix.Concat(resultColumns.Select(c => ResultShape.Cell(row[c]))).Select(Csv)));
                }
            }
            else if (shape.ObjectColumns is not null)
            {
                var result = t.Result as JsonObject;
                writer.WriteLine(string.Join(',', prefix.Concat(resultColumns.Select(c => ResultShape.Cell(result?[c]))).Select(Csv)));
            }
            else
            {
                writer.WriteLine(string.Join(',', prefix.Append(ResultShape.Cell(t.Result)).Select(Csv)));
            }
        }
    }

    /// <summary>Tenants in a stable order, whatever order they finished in.</summary>
    private static IEnumerable<TenantOutcome> Ordered(RunOutcome run) =>
        run.Tenants.OrderBy(t => t.Tenant.Domain, StringComparer.OrdinalIgnoreCase).ThenBy(t => t.Tenant.CompanyName, StringComparer.OrdinalIgnoreCase);

    private static string Summary(JsonNode? result) => result switch
    {
        null => "",
        JsonArray array => $"{array.Count} row{(array.Count == 1 ? "" : "s")}",
        _ => ResultShape.Cell(result),
    };

    /// <summary>RFC 4180 quoting; cells that a spreadsheet would run as a formula are prefixed with '.</summary>
    internal static string Csv(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }

    private static string Status(TenantStatus status) => status switch
    {
        TenantStatus.Succeeded => "[green]Succeeded[/]",
        TenantStatus.Failed => "[red]Failed[/]",
        TenantStatus.TimedOut => "[red]TimedOut[/]",
        TenantStatus.Skipped => "[grey]Skipped[/]",
        _ => "[yellow]Cancelled[/]",
    };

    private static string Label(TenantStatus status) => status switch
    {
        TenantStatus.Succeeded => "succeeded",
        TenantStatus.Failed => "failed",
        TenantStatus.TimedOut => "timed out",
        TenantStatus.Skipped => "skipped",
        _ => "cancelled",
    };

    public static string Duration(TimeSpan duration) => duration.TotalSeconds < 1
        ? $"{duration.TotalMilliseconds:0} ms"
        : duration.TotalMinutes < 1 ? $"{duration.TotalSeconds:0.0} s" : $"{(int)duration.TotalMinutes}m {duration.Seconds:00}s";

    /// <summary>One line, at most <paramref name="max"/> characters, an ellipsis where it was cut.</summary>
    public static string Truncate(string text, int max)
    {
        var single = text.ReplaceLineEndings(" ");
        return single.Length <= max ? single : single[..(max - 1)] + "…";
    }
}
