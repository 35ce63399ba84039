using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Runner.Writes;

/// <summary>
/// The answers a what-if run gives its script instead of sending a write: what each API documents for a success,
/// so the script and its SDK carry on to the end. Graph: 204 for PATCH, DELETE and $ref, 201 with the created
/// object (the request echoed, with a new id) for POST, 200 for the documented actions. ARM: 200 with the resource
/// (the request echoed with its id, name and provisioningState Succeeded), so a long-running operation completes at
/// once; 200 without a body for DELETE, which every ARM SDK operation accepts. Partner Center: 200 with the object
/// for PATCH and PUT, 201 for POST, 204 for DELETE. Every simulated answer says so in x-runner-what-if.
/// </summary>
internal static class SimulatedResponses
{
    public const string Header = "x-runner-what-if";

    public static HttpResponseMessage For(HttpRequestMessage request, JsonNode? body)
    {
        var (status, content) = For(Telemetry.RunnerTelemetry.Api(request.RequestUri), request.Method.Method, request.RequestUri!, body);
        var response = new HttpResponseMessage((HttpStatusCode)status) { RequestMessage = request, Version = request.Version };
        if (content is not null)
        {
            response.Content = new StringContent(content.ToJsonString(), Encoding.UTF8, "application/json");
        }
        else if (status != 204)
        {
            response.Content = new ByteArrayContent([]);
        }

        response.Headers.TryAddWithoutValidation(Header, "simulated");
        response.Headers.TryAddWithoutValidation("request-id", $"what-if-{Guid.NewGuid()}");
        return response;
    }

    /// <summary>The simulated status and body of one write (a request of its own, or an item of a Graph batch).</summary>
    public static (int Status, JsonNode? Body) For(string api, string method, Uri uri, JsonNode? body)
    {
        method = method.ToUpperInvariant();
        var path = uri.AbsolutePath.TrimEnd('/');
        var last = path[(path.LastIndexOf('/') + 1)..];
        return api switch
        {
            "graph" => Graph(method, path, last, body),
            "arm" => Arm(method, path, last, body),
            _ => method switch
            {
                "DELETE" => (204, null),
                "POST" => (201, Echo(body, NewId())),
                _ => (200, Echo(body, null)),
            },
        };
    }

    private static (int, JsonNode?) Graph(string method, string path, string last, JsonNode? body)
    {
        if (method == "DELETE" || last == "$ref" || method == "PATCH")
        {
            return (204, null);
        }

        if (method == "PUT")
        {
            return (200, Echo(body, last));
        }

        // Actions on an object answer what their pages document; anything else POSTed creates an object.
        var owner = Segment(path, 2);
        return last switch
        {
            "assignLicense" => (200, Echo(new JsonObject(), owner)),
            "revokeSignInSessions" => (200, new JsonObject { ["value"] = true }),
            "sendMail" => (202, null),
            "changePassword" or "resetPassword" or "restore" => (204, null),
            _ => (201, Echo(body, NewId())),
        };
    }

    private static (int, JsonNode?) Arm(string method, string path, string last, JsonNode? body)
    {
        if (method == "DELETE")
        {
            return (200, null);
        }

        if (method == "POST")
        {
            return (200, new JsonObject());
        }

        var resource = Echo(body, null) as JsonObject ?? [];
        resource["id"] = path;
        resource["name"] = last;
        if (resource["properties"] is JsonObject properties)
        {
            properties["provisioningState"] ??= "Succeeded";
        }
        else if (!path.Contains("/providers/Microsoft.Resources/tags/", StringComparison.OrdinalIgnoreCase))
        {
            resource["properties"] = new JsonObject { ["provisioningState"] = "Succeeded" };
        }

        return (200, resource);
    }

    /// <summary>The request body as the created or updated object: its id set, and no secret echoed back (services never do).</summary>
    private static JsonNode? Echo(JsonNode? body, string? id)
    {
        var copy = body?.DeepClone() ?? new JsonObject();
        if (copy is JsonObject obj)
        {
            foreach (var name in obj.Select(p => p.Key).Where(WriteBodies.IsSecretName).ToList())
            {
                obj.Remove(name);
            }

            if (id is not null && !obj.ContainsKey("id"))
            {
                obj["id"] = id;
            }
        }

        return copy;
    }

    private static string NewId() => Guid.NewGuid().ToString();

    /// <summary>The path segment <paramref name="fromEnd"/> places before the end ("users/{id}/assignLicense" → id for 2).</summary>
    private static string? Segment(string path, int fromEnd)
    {
        var parts = path.Split('/');
        return parts.Length > fromEnd ? Uri.UnescapeDataString(parts[^fromEnd]) : null;
    }
}
