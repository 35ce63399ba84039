using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Runner.Sandbox.Hosting;

internal static class HttpResults
{
    public static Task WriteJson(this HttpContext context, JsonNode body, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    public static Task Execute(this IResult result, HttpContext context) => result.ExecuteAsync(context);

    public static string? Query(this HttpContext context, string name) =>
        context.Request.Query.TryGetValue(name, out var value) ? value.ToString() : null;
}
