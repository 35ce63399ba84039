using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Runner.Sandbox.Hosting;

/// <summary>A request body read as one JSON object; null when it is not one (each API answers that in its own envelope).</summary>
internal static class RequestJson
{
    public static async Task<JsonObject?> ObjectAsync(HttpContext http)
    {
        try
        {
            return await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
