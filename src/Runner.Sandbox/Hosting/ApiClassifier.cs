using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Runner.Sandbox.Identity;

namespace Runner.Sandbox.Hosting;

/// <summary>Which emulated service a request is for, and which tenant it concerns.</summary>
internal static class ApiClassifier
{
    public static string? Api(PathString path)
    {
        var value = path.Value ?? "";
        if (value.StartsWith("/v1.0/", StringComparison.Ordinal) || value.StartsWith("/beta/", StringComparison.Ordinal))
        {
            return "graph";
        }

        if (value.StartsWith("/v1/", StringComparison.Ordinal))
        {
            return "partnerCenter";
        }

        if (value.StartsWith("/subscriptions", StringComparison.OrdinalIgnoreCase) || value.StartsWith("/providers", StringComparison.OrdinalIgnoreCase))
        {
            return "arm";
        }

        if (value.StartsWith("/secrets", StringComparison.Ordinal))
        {
            return "keyVault";
        }

        if (value.StartsWith("/_sandbox", StringComparison.Ordinal))
        {
            return null;
        }

        if (value.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal))
        {
            return "token";
        }

        if (value.EndsWith("/oauth2/v2.0/authorize", StringComparison.Ordinal))
        {
            return "authorize";
        }

        if (value.EndsWith("/oauth2/v2.0/devicecode", StringComparison.Ordinal))
        {
            return "devicecode";
        }

        return null;
    }

    /// <summary>The tenant named in the path (identity endpoints) or in the bearer token's tid claim (APIs).</summary>
    public static string? Tenant(HttpContext http, string api)
    {
        if (api is "token" or "authorize" or "devicecode")
        {
            var path = http.Request.Path.Value ?? "";
            var end = path.IndexOf('/', 1);
            return end > 1 ? path[1..end] : null;
        }

        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var parts = header[7..].Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(Base64Url.Decode(parts[1]));
            return doc.RootElement.TryGetProperty("tid", out var tid) ? tid.GetString() : null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }
}
