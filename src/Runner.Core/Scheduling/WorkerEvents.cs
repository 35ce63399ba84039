using System.Text.Json;
using System.Text.Json.Serialization;

namespace Runner.Scheduling;

/// <summary>
/// The worker's event stream: one JSON object per line on its standard output (everything else a worker prints goes
/// to standard error). The host reads it to follow a run; a stream that ends without <c>run-finished</c> or
/// <c>error</c> means the worker died.
/// </summary>
/// <param name="Event">run-started, tenant-finished, run-finished or error; a warm worker first says ready.</param>
internal sealed record WorkerEvent(
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("runId")] string? RunId = null,
    [property: JsonPropertyName("job")] string? Job = null,
    [property: JsonPropertyName("pid")] int? ProcessId = null,
    [property: JsonPropertyName("tenants")] int? Tenants = null,
    [property: JsonPropertyName("parallel")] int? Parallel = null,
    [property: JsonPropertyName("timeoutSeconds")] double? TimeoutSeconds = null,
    [property: JsonPropertyName("tenant")] string? Tenant = null,
    [property: JsonPropertyName("status")] string? Status = null,
    [property: JsonPropertyName("durationMs")] long? DurationMs = null,
    [property: JsonPropertyName("error")] string? Error = null,
    [property: JsonPropertyName("summary")] IReadOnlyDictionary<string, int>? Summary = null,
    [property: JsonPropertyName("exitCode")] int? ExitCode = null)
{
    public const string RunStarted = "run-started";
    public const string TenantFinished = "tenant-finished";
    public const string RunFinished = "run-finished";
    public const string Failed = "error";

    /// <summary>A warm worker has started and rehearsed, and waits for its fire on standard input.</summary>
    public const string Ready = "ready";

    private static readonly JsonSerializerOptions Options = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJsonLine() => JsonSerializer.Serialize(this, Options);

    /// <summary>The event on one line, or null when the line is not one (a stray write to standard output).</summary>
    public static WorkerEvent? TryParse(string line)
    {
        if (!line.StartsWith('{'))
        {
            return null;
        }

        try
        {
            var parsed = JsonSerializer.Deserialize<WorkerEvent>(line, Options);
            return parsed?.Event is null ? null : parsed;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
