using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Runner.Sandbox.Hosting;

/// <summary>
/// Any request no emulated endpoint takes: 501 in the error envelope of the API the path belongs to, naming the method
/// and path, so a script author sees "not emulated" instead of an anonymous 404 that looks like a missing object.
/// 501 is not retried by the Graph SDK or Azure.Core, so the failure is immediate.
/// </summary>
internal static class NotEmulatedEndpoint
{
    public static void Map(IEndpointRouteBuilder routes, SandboxContext context) =>
        routes.MapFallback("{**path}", (RequestDelegate)(http => Answer(http, context)));

    public static Task Answer(HttpContext http, SandboxContext context)
    {
        var request = $"{http.Request.Method} {http.Request.Path}";
        var message = $"The sandbox does not emulate {request}. {SandboxDocs.Page} lists what it emulates.";
        return ApiClassifier.Api(http.Request.Path) switch
        {
            // Graph: { error: { code, message, innerError } }.
            "graph" => http.WriteJson(new JsonObject
            {
                ["error"] = new JsonObject
                {
                    ["code"] = "NotImplemented",
                    ["message"] = message,
                    ["innerError"] = new JsonObject
                    {
                        ["date"] = context.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture),
                        ["request-id"] = Guid.NewGuid().ToString(),
                        ["client-request-id"] = http.Request.Headers["client-request-id"].FirstOrDefault() ?? Guid.NewGuid().ToString(),
                    },
                },
            }, 501),

            // Partner Center: { code, description, data, source }.
            "partnerCenter" => http.WriteJson(new JsonObject
            {
                ["code"] = "501",
                ["description"] = message,
                ["data"] = new JsonArray(),
                ["source"] = "PartnerFD",
            }, 501),

            // ARM, Key Vault and the rest: { error: { code, message } }.
            _ => http.WriteJson(new JsonObject { ["error"] = new JsonObject { ["code"] = "NotImplemented", ["message"] = message } }, 501),
        };
    }
}
