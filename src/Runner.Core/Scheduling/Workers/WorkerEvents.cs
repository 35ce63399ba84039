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

    /// <summary>
    /// Written by hand: every worker writes events, and serializing this record (even source-generated) makes the
    /// runtime compile generic code for each of its value types in every worker process, start-up time each fire
    /// pays. The host reads them with the generated serializer.
    /// </summary>
    public string ToJsonLine()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("event", Event);
            String(json, "runId", RunId);
            String(json, "job", Job);
            Number(json, "pid", ProcessId);
            Number(json, "tenants", Tenants);
            Number(json, "parallel", Parallel);
            if (TimeoutSeconds is { } timeout)
            {
                json.WriteNumber("timeoutSeconds", timeout);
            }

            String(json, "tenant", Tenant);
            String(json, "status", Status);
            if (DurationMs is { } duration)
            {
                json.WriteNumber("durationMs", duration);
            }

            String(json, "error", Error);
            if (Summary is not null)
            {
                json.WriteStartObject("summary");
                foreach (var (key, count) in Summary)
                {
                    json.WriteNumber(key, count);
                }

                json.WriteEndObject();
            }

            Number(json, "exitCode", ExitCode);
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void String(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private static void Number(Utf8JsonWriter json, string name, int? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
    }

    /// <summary>The event on one line, or null when the line is not one (a stray write to standard output).</summary>
    public static WorkerEvent? TryParse(string line)
    {
        if (!line.StartsWith('{'))
        {
            return null;
        }

        try
        {
            var parsed = JsonSerializer.Deserialize(line, SchedulingJson.Default.WorkerEvent);
            return parsed?.Event is null ? null : parsed;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>Source-generated: the host and every worker read and write these lines, and reflection-based JSON costs each
/// worker its start-up.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WorkerEvent))]
[JsonSerializable(typeof(WorkerOrder))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class SchedulingJson : JsonSerializerContext;
