using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// POST /v1.0/$batch ("Combine multiple HTTP requests using JSON batching"): up to 20 requests in one, each sent
/// with the caller's token to the sandbox's own Graph endpoints, so each is authorised, checked against GDAP,
/// throttled and counted on its own as in Graph. Requests without dependsOn run in parallel and their responses come
/// back in the order they finish, not the order sent (the documentation warns that the order may differ); a request
/// whose dependency failed is not run and answers 424 Failed Dependency. The batch itself answers 200 whatever its
/// requests answered, or 400 when it is malformed.
/// </summary>
internal sealed class BatchApi(SandboxContext context, GraphApi graph)
{
    /// <summary>Headers that belong to one HTTP exchange, not to a batched request or response.</summary>
    private static readonly HashSet<string> Transport = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "Host", "Content-Length", "Transfer-Encoding", "Connection", "Date", "Server", "request-id", "client-request-id",
    };

    public void Map(IEndpointRouteBuilder routes) => routes.MapPost("/v1.0/$batch", (RequestDelegate)Handle);

    private async Task Handle(HttpContext http)
    {
        if (await graph.Authorize(http) is null)
        {
            return;
        }

        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
        }
        catch (JsonException)
        {
            await graph.Error(http, 400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.");
            return;
        }

        var (steps, refusal) = BatchRequests.Read(body);
        if (refusal is not null)
        {
            await graph.Error(http, 400, "BadRequest", refusal);
            return;
        }

        var authorization = http.Request.Headers.Authorization.ToString();
        var runs = new Dictionary<string, Lazy<Task<JsonObject>>>(StringComparer.OrdinalIgnoreCase);
        foreach (var step in steps)
        {
            runs[step.Id] = new Lazy<Task<JsonObject>>(() => Run(http, step, authorization, runs));
        }

        var finished = new ConcurrentQueue<JsonObject>();
        await Task.WhenAll(runs.Values.Select(async run => finished.Enqueue(await run.Value)));
        await http.WriteJson(new JsonObject { ["responses"] = new JsonArray(finished.Select(r => (JsonNode)r).ToArray()) });
    }

    private async Task<JsonObject> Run(HttpContext http, BatchStep step, string authorization, Dictionary<string, Lazy<Task<JsonObject>>> runs)
    {
        foreach (var dependency in step.DependsOn)
        {
            var status = (int)(await runs[dependency].Value)["status"]!;
            if (status is < 200 or > 299)
            {
                return Response(step.Id, 424, new JsonObject { ["Content-Type"] = "application/json" },
                    graph.ErrorBody(http, "FailedDependency", $"Request '{step.Id}' was not run: request '{dependency}', which it depends on, failed with {status}."));
            }
        }

        try
        {
            using var request = ToHttpRequest(step, authorization);
            using var response = await context.Loopback.Http.SendAsync(request, http.RequestAborted);
            return await ToBatchResponse(step.Id, response, http.RequestAborted);
        }
        catch (HttpRequestException e)
        {
            return Response(step.Id, 500, new JsonObject { ["Content-Type"] = "application/json" }, graph.ErrorBody(http, "InternalServerError", e.Message));
        }
    }

    private HttpRequestMessage ToHttpRequest(BatchStep step, string authorization)
    {
        // The SDK writes the url unescaped (a guest's UPN has a '#', which would start a fragment).
        var relative = step.Url.TrimStart('/').Replace("#", "%23", StringComparison.Ordinal);
        var request = new HttpRequestMessage(new HttpMethod(step.Method), new Uri(context.BaseUri, "v1.0/" + relative));
        if (step.Body is not null)
        {
            var contentType = step.Header("Content-Type") ?? "application/json";
            request.Content = IsJson(contentType) || step.Body is not JsonValue
                ? new StringContent(step.Body.ToJsonString(), Encoding.UTF8)
                : new ByteArrayContent(Decode(step.Body.ToString()));
            request.Content.Headers.Remove("Content-Type");
        }

        foreach (var (name, value) in step.Headers.Where(h => !Transport.Contains(h.Key)))
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }

        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return request;
    }

    private static async Task<JsonObject> ToBatchResponse(string id, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var headers = new JsonObject();
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers).Where(h => !Transport.Contains(h.Key)))
        {
            headers[name] = string.Join(", ", values);
        }

        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        JsonNode? body = null;
        if (bytes.Length > 0)
        {
            // A JSON answer is inlined; anything else (a photo, a $count's text) travels base64-encoded.
            body = IsJson(response.Content.Headers.ContentType?.MediaType ?? "") ? JsonNode.Parse(bytes) : Convert.ToBase64String(bytes);
        }

        return Response(id, (int)response.StatusCode, headers, body);
    }

    private static JsonObject Response(string id, int status, JsonObject headers, JsonNode? body)
    {
        var json = new JsonObject { ["id"] = id, ["status"] = status, ["headers"] = headers };
        if (body is not null)
        {
            json["body"] = body;
        }

        return json;
    }

    private static bool IsJson(string contentType)
    {
        var media = MediaTypeHeaderValue.TryParse(contentType, out var parsed) ? parsed.MediaType ?? "" : contentType;
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    private static byte[] Decode(string base64)
    {
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return Encoding.UTF8.GetBytes(base64);
        }
    }
}
