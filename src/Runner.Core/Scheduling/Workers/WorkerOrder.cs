using System.Text.Json;
using System.Text.Json.Serialization;
using Runner.History;

namespace Runner.Scheduling;

/// <summary>
/// One fire as a worker runs it: which job, which run, and where the configuration is. A worker started for the fire
/// gets it on its command line (parameters in the environment); a warm worker, started ahead, gets it as one JSON
/// line on its standard input. Parameters never travel on a command line.
/// </summary>
/// <param name="ConfigSnapshot">The runner.yaml text the host last validated, read by the worker at the fire.</param>
internal sealed record WorkerOrder(
    [property: JsonPropertyName("job")] string Job,
    [property: JsonPropertyName("runId")] string RunId,
    [property: JsonPropertyName("trigger")] string Trigger,
    [property: JsonPropertyName("attempt")] int Attempt,
    [property: JsonPropertyName("node")] string? Node,
    [property: JsonPropertyName("configSnapshot")] string? ConfigSnapshot,
    [property: JsonPropertyName("parameters")] IReadOnlyDictionary<string, string> Parameters)
{
    /// <summary>The host's fire span (W3C traceparent), so a scheduled fire is one trace across both processes.</summary>
    [JsonPropertyName("traceParent")]
    public string? TraceParent { get; init; }

    public string ToJsonLine() => JsonSerializer.Serialize(this, SchedulingJson.Default.WorkerOrder);

    /// <summary>
    /// The order on one line; a line that is not one is an error (the host and worker are one version). Read by hand,
    /// like <see cref="WorkerEvent.ToJsonLine"/>, so a warm worker compiles no serializer code at its fire.
    /// </summary>
    public static WorkerOrder Parse(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            string? Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("parameters", out var given) && given.ValueKind == JsonValueKind.Object)
            {
                foreach (var parameter in given.EnumerateObject())
                {
                    parameters[parameter.Name] = parameter.Value.GetString() ?? "";
                }
            }

            return new WorkerOrder(
                Text("job") is { Length: > 0 } job ? job : throw new InvalidDataException("no job"),
                Text("runId") is { Length: > 0 } runId ? runId : throw new InvalidDataException("no run id"),
                Text("trigger") ?? TriggerKinds.Cron,
                root.TryGetProperty("attempt", out var attempt) && attempt.TryGetInt32(out var number) ? number : 1,
                Text("node"),
                Text("configSnapshot"),
                parameters)
            {
                TraceParent = Text("traceParent"),
            };
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or InvalidOperationException)
        {
            throw new InvalidDataException($"The host sent a fire the worker cannot read: {e.Message}", e);
        }
    }
}
