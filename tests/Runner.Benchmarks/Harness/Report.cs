using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Runner.Benchmarks.Harness;

/// <summary>A table as it appears in the Markdown report (and, cell for cell, in the JSON).</summary>
internal sealed record Table(string Title, IReadOnlyList<string> Columns, List<IReadOnlyList<string>> Rows)
{
    public Table(string title, params string[] columns)
        : this(title, columns, [])
    {
    }

    public void Add(params object[] cells) => Rows.Add([.. cells.Select(Format)]);

    private static string Format(object cell) => cell switch
    {
        double d when double.IsNaN(d) => "–",
        double d => d.ToString(Math.Abs(d) >= 100 ? "0" : Math.Abs(d) >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => cell.ToString() ?? "",
    };
}

/// <summary>A target from the issue, with what was measured against it.</summary>
internal sealed record Target(string What, string Goal, string Measured, bool Met);

/// <summary>
/// One scenario's results: parameters, tables, targets and raw samples. Written as &lt;scenario&gt;.json (everything,
/// for tools) and &lt;scenario&gt;.md (the tables, for docs/performance.md).
/// </summary>
internal sealed class Report(string scenario, string title, string command)
{
    public string Scenario => scenario;

    public JsonObject Parameters { get; } = [];

    public List<Table> Tables { get; } = [];

    public List<Target> Targets { get; } = [];

    public List<string> Notes { get; } = [];

    public JsonObject Raw { get; } = [];

    /// <summary>Pictures, saved as PNG next to the JSON and Markdown, and shown in the Markdown after the targets.</summary>
    public List<Chart> Charts { get; } = [];

    public JsonObject? Load { get; set; }

    public async Task WriteAsync(string directory, JsonObject machine)
    {
        Directory.CreateDirectory(directory);
        foreach (var chart in Charts)
        {
            chart.Save(directory);
        }

        var json = new JsonObject
        {
            ["scenario"] = scenario,
            ["title"] = title,
            ["command"] = command,
            ["machine"] = machine.DeepClone(),
            ["loadAverage"] = Load?.DeepClone(),
            ["parameters"] = Parameters.DeepClone(),
            ["targets"] = new JsonArray([.. Targets.Select(t => (JsonNode)new JsonObject
            {
                ["what"] = t.What, ["goal"] = t.Goal, ["measured"] = t.Measured, ["met"] = t.Met,
            })]),
            ["tables"] = new JsonArray([.. Tables.Select(t => (JsonNode)new JsonObject
            {
                ["title"] = t.Title,
                ["columns"] = new JsonArray([.. t.Columns.Select(c => (JsonNode)c)]),
                ["rows"] = new JsonArray([.. t.Rows.Select(r => (JsonNode)new JsonArray([.. r.Select(c => (JsonNode)c)]))]),
            })]),
            ["notes"] = new JsonArray([.. Notes.Select(n => (JsonNode)n)]),
            ["images"] = new JsonArray([.. Charts.Select(c => (JsonNode)c.File)]),
            ["raw"] = Raw.DeepClone(),
        };
        await File.WriteAllTextAsync(Path.Combine(directory, $"{scenario}.json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        await File.WriteAllTextAsync(Path.Combine(directory, $"{scenario}.md"), Markdown(machine));
    }

    public string Markdown(JsonObject machine)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"## {title}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"`{command}` — {Machine.Summary(machine)}; load average during the run {LoadText()}.");
        md.AppendLine();
        foreach (var table in Tables)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"**{table.Title}**");
            md.AppendLine();
            AppendTable(md, table.Columns, table.Rows);
            md.AppendLine();
        }

        if (Targets.Count > 0)
        {
            md.AppendLine("**Targets**");
            md.AppendLine();
            AppendTable(md, ["what", "target", "measured", "met"], [.. Targets.Select(t => (IReadOnlyList<string>)[t.What, t.Goal, t.Measured, t.Met ? "yes" : "**no**"])]);
            md.AppendLine();
        }

        foreach (var note in Notes)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
        }

        foreach (var chart in Charts)
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"![{chart.Caption}]({chart.File})");
        }

        return md.ToString();
    }

    /// <summary>Copies the charts <see cref="WriteAsync"/> saved in <paramref name="from"/> to <paramref name="to"/>.</summary>
    public IReadOnlyList<string> CopyCharts(string from, string to)
    {
        if (Charts.Count == 0 || Path.GetFullPath(from) == Path.GetFullPath(to))
        {
            return [];
        }

        Directory.CreateDirectory(to);
        return [.. Charts.Select(chart =>
        {
            var target = Path.Combine(to, chart.File);
            File.Copy(Path.Combine(from, chart.File), target, overwrite: true);
            return target;
        })];
    }

    private string LoadText() => Load is null ? "unknown" : $"{Load["min"]}–{Load["max"]} (mean {Load["mean"]})";

    private static void AppendTable(StringBuilder md, IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        md.AppendLine("| " + string.Join(" | ", columns) + " |");
        md.AppendLine("|" + string.Join("|", columns.Select((_, i) => i == 0 ? "---" : "---:")) + "|");
        foreach (var row in rows)
        {
            md.AppendLine("| " + string.Join(" | ", row) + " |");
        }
    }
}
