using System.Text;
using System.Text.Json.Nodes;
using Runner.History;

namespace Runner.Web.Data;

/// <summary>A run's results as files: CSV (one row per tenant, the result as text or JSON) and JSON (the whole run).</summary>
internal static class RunExport
{
    public static async Task<IResult> Csv(ConsoleSources sources, string id, CancellationToken cancellation)
    {
        if (await sources.History.GetRunAsync(id, cancellation) is not { } details)
        {
            return Results.NotFound();
        }

        var csv = new StringBuilder("tenantId,domain,companyName,status,durationMs,error,result\n");
        foreach (var t in details.Tenants)
        {
            var result = t.Result is null ? "" : JsonNode.Parse(t.Result) is JsonValue v && v.TryGetValue<string>(out var s) ? s : t.Result;
            csv.AppendJoin(',', new[] { t.TenantId, t.Domain, t.Name, t.Status.ToString(), ((long)t.Duration.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture), t.Error ?? "", result }.Select(Cell)).Append('\n');
        }

        return Results.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", $"{details.Run.Id}.csv");
    }

    public static async Task<IResult> Json(ConsoleSources sources, string id, CancellationToken cancellation) =>
        await sources.History.GetRunAsync(id, cancellation) is { } details
            ? Results.File(Encoding.UTF8.GetBytes(RunJson.Details(details).ToJsonString(RunJson.Indented)), "application/json", $"{details.Run.Id}.json")
            : Results.NotFound();

    private static string Cell(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
}
