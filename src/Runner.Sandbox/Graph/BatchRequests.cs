using System.Text.Json;
using System.Text.Json.Nodes;

namespace Runner.Sandbox.Graph;

/// <summary>One request of a JSON batch: its url is relative to the version root ("/users/x" or "users/x").</summary>
internal sealed record BatchStep(string Id, string Method, string Url, IReadOnlyList<KeyValuePair<string, string>> Headers, JsonNode? Body, IReadOnlyList<string> DependsOn)
{
    public string? Header(string name) => Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>
/// Reads and checks a $batch body as "Combine multiple HTTP requests using JSON batching" describes it: a
/// "requests" array of 1 to 20 requests, each with an id (unique, not case-sensitive), a method and a relative url;
/// a body only with a Content-Type header; dependsOn naming other requests of the batch. A malformed batch is
/// refused whole with 400, before any of its requests runs.
/// </summary>
internal static class BatchRequests
{
    public const int MaxRequests = 20;

    private static readonly HashSet<string> Methods = new(StringComparer.OrdinalIgnoreCase) { "GET", "POST", "PUT", "PATCH", "DELETE" };

    /// <summary>The requests, or why the batch is refused (Graph's BadRequest; the wording is the sandbox's unless noted).</summary>
    public static (List<BatchStep> Steps, string? Refusal) Read(JsonNode? body)
    {
        if (body is not JsonObject root || root["requests"] is not JsonArray requests)
        {
            return ([], "Invalid batch payload format: the body must be an object with a \"requests\" array.");
        }

        if (requests.Count == 0)
        {
            return ([], "Invalid batch payload format: the batch has no requests.");
        }

        if (requests.Count > MaxRequests)
        {
            return ([], $"The batch has {requests.Count} requests; a JSON batch is limited to {MaxRequests} requests.");
        }

        var steps = new List<BatchStep>(requests.Count);
        foreach (var node in requests)
        {
            var (step, refusal) = ReadStep(node);
            if (refusal is not null)
            {
                return ([], refusal);
            }

            steps.Add(step!);
        }

        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (steps.FirstOrDefault(s => !ids.Add(s.Id)) is { } duplicate)
        {
            return ([], $"The batch has more than one request with id '{duplicate.Id}'; ids must be unique in the batch.");
        }

        if (steps.SelectMany(s => s.DependsOn.Select(d => (Step: s, On: d))).FirstOrDefault(x => !ids.Contains(x.On) || x.On.Equals(x.Step.Id, StringComparison.OrdinalIgnoreCase)) is { Step: not null } bad)
        {
            return ([], $"Request '{bad.Step.Id}' depends on '{bad.On}', which is not another request of the batch.");
        }

        return HasCycle(steps) ? ([], "The dependsOn properties of the batch form a cycle.") : (steps, null);
    }

    private static (BatchStep? Step, string? Refusal) ReadStep(JsonNode? node)
    {
        if (node is not JsonObject request || Text(request["id"]) is not { Length: > 0 } id || Text(request["method"]) is not { } method || Text(request["url"]) is not { Length: > 0 } url)
        {
            return (null, "Invalid batch payload format: every request needs an id, a method and a url.");
        }

        if (!Methods.Contains(method))
        {
            return (null, $"Invalid batch payload format: request '{id}' has the method '{method}'.");
        }

        if (url.Contains("://", StringComparison.Ordinal))
        {
            return (null, $"Invalid batch payload format: request '{id}' has an absolute url; urls are relative to the version, e.g. \"/users\".");
        }

        if (url.TrimStart('/').StartsWith("$batch", StringComparison.OrdinalIgnoreCase))
        {
            return (null, $"Invalid batch payload format: request '{id}' is itself a batch.");
        }

        var headers = new List<KeyValuePair<string, string>>();
        if (request["headers"] is JsonObject headerObject)
        {
            headers.AddRange(headerObject.Select(h => KeyValuePair.Create(h.Key, h.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : h.Value?.ToJsonString() ?? "")));
        }

        var dependsOn = request["dependsOn"] is JsonArray array ? array.Select(d => Text(d) ?? "").ToList() : [];
        var body = request["body"];
        var write = method.ToUpperInvariant() is "POST" or "PUT" or "PATCH";
        if (write && (body is null || !headers.Any(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))))
        {
            // Observed wording of Graph's batch validation for a write without body or Content-Type.
            return (null, $"Write request id : {id} does not contain Content-Type header or body.");
        }

        return (new BatchStep(id, method.ToUpperInvariant(), url, headers, body?.DeepClone(), dependsOn), null);
    }

    private static bool HasCycle(List<BatchStep> steps)
    {
        var byId = steps.ToDictionary(s => s.Id, StringComparer.OrdinalIgnoreCase);
        var done = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var visiting = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        bool Visit(BatchStep step)
        {
            if (done.Contains(step.Id))
            {
                return false;
            }

            if (!visiting.Add(step.Id))
            {
                return true;
            }

            if (step.DependsOn.Any(d => Visit(byId[d])))
            {
                return true;
            }

            visiting.Remove(step.Id);
            done.Add(step.Id);
            return false;
        }

        return steps.Any(Visit);
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() is JsonValueKind.String or JsonValueKind.Number ? value.ToString() : null;
}
