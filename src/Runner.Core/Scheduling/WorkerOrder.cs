using System.Text.Json;
using System.Text.Json.Serialization;

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
    public string ToJsonLine() => JsonSerializer.Serialize(this);

    /// <summary>The order on one line; a line that is not one is an error (the host and worker are one version).</summary>
    public static WorkerOrder Parse(string line) =>
        JsonSerializer.Deserialize<WorkerOrder>(line) is { Job.Length: > 0, RunId.Length: > 0 } order
            ? order with { Parameters = order.Parameters ?? new Dictionary<string, string>() }
            : throw new InvalidDataException("The host sent a fire the worker cannot read.");
}
