using System.Globalization;
using System.Text.Json.Nodes;
using Runner.History;

namespace Runner.Writes;

/// <summary>Writes as JSON, one shape everywhere: `runner run --output json`, `runner show`, `runner audit` and the console's API.</summary>
internal static class WriteJson
{
    public static JsonObject Of(WriteRecord write) => new()
    {
        ["sequence"] = write.Sequence,
        ["at"] = write.At.UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
        ["api"] = write.Api,
        ["method"] = write.Method,
        ["url"] = write.Url,
        ["status"] = write.Status,
        ["requestId"] = write.RequestId,
        ["durationMs"] = (long)write.Duration.TotalMilliseconds,
        ["simulated"] = write.Simulated,
        ["summary"] = write.Summary,
        ["body"] = write.Body,
        ["bodyHash"] = write.BodyHash,
    };

    public static JsonArray List(IEnumerable<WriteRecord> writes) => new([.. writes.Select(w => (JsonNode)Of(w))]);

    /// <summary>An audited write with the run, job and tenant it belongs to.</summary>
    public static JsonObject Of(AuditedWrite audited)
    {
        var json = new JsonObject
        {
            ["runId"] = audited.RunId,
            ["job"] = audited.Job,
            ["tenantId"] = audited.TenantId,
            ["domain"] = audited.Domain,
        };
        foreach (var (key, value) in Of(audited.Write))
        {
            json[key] = value?.DeepClone();
        }

        return json;
    }
}
