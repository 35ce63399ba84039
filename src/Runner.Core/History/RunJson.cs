using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Runner.History;

/// <summary>
/// Runs as JSON, one shape everywhere: `runner history|show --output json`, the console's API and its JSON download.
/// </summary>
internal static class RunJson
{
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonObject Run(RunRecord run) => new()
    {
        ["runId"] = run.Id,
        ["job"] = run.Job,
        ["script"] = run.Script,
        ["trigger"] = run.Trigger,
        ["attempt"] = run.Attempt,
        ["node"] = run.Node,
        ["scheduledFor"] = run.ScheduledFor is { } at ? Time(at) : null,
        ["startedAt"] = Time(run.StartedAt),
        ["finishedAt"] = run.FinishedAt is { } finished ? Time(finished) : null,
        ["status"] = run.Status.ToString(),
        ["mode"] = run.Mode ?? "write",
        ["error"] = run.Error,
        ["summary"] = new JsonObject
        {
            ["tenants"] = run.Total,
            ["succeeded"] = run.Succeeded,
            ["failed"] = run.Failed,
            ["timedOut"] = run.TimedOut,
            ["skipped"] = run.Skipped,
            ["cancelled"] = run.Cancelled,
        },
        ["parameters"] = run.Parameters is null ? null : JsonNode.Parse(run.Parameters),
    };

    /// <summary>The run with every tenant's status, duration, result, error and log.</summary>
    public static JsonObject Details(RunDetails details)
    {
        var json = Run(details.Run);
        var logs = details.Logs.ToLookup(l => l.TenantId);
        var writes = details.Writes.ToLookup(w => w.TenantId);
        json["tenants"] = new JsonArray([.. details.Tenants.Select(t => (JsonNode)new JsonObject
        {
            ["tenantId"] = t.TenantId,
            ["domain"] = t.Domain,
            ["companyName"] = t.Name,
            ["status"] = t.Status.ToString(),
            ["durationMs"] = (long)t.Duration.TotalMilliseconds,
            ["result"] = t.Result is null ? null : JsonNode.Parse(t.Result),
            ["error"] = t.Error,
            ["log"] = Log(logs[t.TenantId]),
            ["writes"] = Writes.WriteJson.List(writes[t.TenantId].Select(w => w.Write)),
        })]);
        return json;
    }

    public static JsonArray Log(IEnumerable<TenantLogRecord> lines) =>
        new([.. lines.Select(l => (JsonNode)new JsonObject { ["time"] = Time(l.Time), ["level"] = l.Level, ["message"] = l.Message })]);

    private static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("o", CultureInfo.InvariantCulture);
}
