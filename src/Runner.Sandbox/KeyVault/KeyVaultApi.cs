using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Hosting;
using Runner.Sandbox.Identity;

namespace Runner.Sandbox.KeyVault;

/// <summary>
/// The Key Vault secrets data plane, as Azure.Security.KeyVault.Secrets speaks it, at the sandbox's root (the vault
/// URI is the sandbox's base URL): the unauthenticated first request gets the 401 bearer challenge naming the
/// partner tenant's authority and the vault resource; then PUT /secrets/{name}, GET latest or a version, list
/// secrets and versions with nextLink paging, DELETE, and 404 SecretNotFound. Only the partner tenant's app and
/// admin may use the vault.
/// </summary>
internal sealed partial class KeyVaultApi(SandboxContext context, VaultStore store)
{
    private const int DefaultPageSize = 25;

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/secrets", (RequestDelegate)(http => Guard(http, () => List(http))));
        routes.MapPut("/secrets/{name}", (RequestDelegate)(http => Guard(http, () => Set(http))));
        routes.MapDelete("/secrets/{name}", (RequestDelegate)(http => Guard(http, () => Delete(http))));
        routes.MapGet("/secrets/{name}/versions", (RequestDelegate)(http => Guard(http, () => Versions(http))));
        routes.MapGet("/secrets/{name}/{version?}", (RequestDelegate)(http => Guard(http, () => Get(http))));
    }

    private async Task Guard(HttpContext http, Func<Task> action)
    {
        http.Response.Headers["x-ms-keyvault-service-version"] = "1.9.sandbox";
        http.Response.Headers["x-ms-request-id"] = Guid.NewGuid().ToString();
        if (http.Request.Query["api-version"].ToString().Length == 0)
        {
            await Error(http, 400, "BadParameter", "The request URI contains an invalid API version: ''. Use api-version=7.6 or another supported version.");
            return;
        }

        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            await Challenge(http, "AKV10000: Request is missing a Bearer or PoP token.");
            return;
        }

        var check = context.Validator.Validate(http, KnownResources.KeyVault);
        if (!check.Succeeded)
        {
            var message = check.Code == "InvalidAuthenticationTokenAudience"
                ? $"AKV10022: Invalid audience. Expected {KnownResources.KeyVault}, found: {AudienceOf(header)}."
                : $"AKV10032: {check.Message}";
            await Challenge(http, message);
            return;
        }

        var partner = context.Directory.Partner.Id;
        if (check.Caller!.Tenant.Id != partner)
        {
            await Challenge(http, $"AKV10032: Invalid issuer. Expected one of https://sts.windows.net/{partner}/, found https://sts.windows.net/{check.Caller.Tenant.Id}/.");
            return;
        }

        if (check.Caller.IsApp ? check.Caller.AppId != context.Directory.Application.ClientId : check.Caller.User!.Id != context.Directory.PartnerAdmin.Id)
        {
            var who = check.Caller.IsApp ? $"appid={check.Caller.AppId}" : $"oid={check.Caller.User!.Id}";
            await Error(http, 403, "Forbidden", $"The user, group or application '{who};iss=https://sts.windows.net/{partner}/' does not have secrets permission on key vault 'sandbox;location=local'.", "AccessDenied");
            return;
        }

        await action();
    }

    private async Task Set(HttpContext http)
    {
        var name = (string)http.Request.RouteValues["name"]!;
        if (!ValidName().IsMatch(name))
        {
            await Error(http, 400, "BadParameter", $"The request URI contains an invalid name: {name}");
            return;
        }

        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }

        if (body?["value"] is not JsonValue valueNode || valueNode.GetValueKind() != JsonValueKind.String)
        {
            await Error(http, 400, "BadParameter", "Property 'value' is required and must be a string.");
            return;
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (body["tags"] is JsonObject tagNode)
        {
            foreach (var (key, value) in tagNode)
            {
                tags[key] = value?.ToString() ?? "";
            }
        }

        if (tags.Count > 15)
        {
            await Error(http, 400, "BadParameter", "A secret can have at most 15 tags.");
            return;
        }

        var attributes = body["attributes"] as JsonObject;
        var secret = store.Set(name, valueNode.GetValue<string>(), (string?)body["contentType"], tags,
            (bool?)attributes?["enabled"] ?? true, (long?)attributes?["nbf"], (long?)attributes?["exp"], context.Clock.GetUtcNow());
        await http.WriteJson(Bundle(secret, includeValue: true));
    }

    private async Task Get(HttpContext http)
    {
        var name = (string)http.Request.RouteValues["name"]!;
        var version = http.Request.RouteValues["version"] as string;
        var secret = store.Get(name, version);
        if (secret is null)
        {
            await NotFound(http, string.IsNullOrEmpty(version) ? name : $"{name}/{version}");
            return;
        }

        if (!secret.Enabled)
        {
            await Error(http, 403, "Forbidden", "Operation get is not allowed on a disabled secret.", "SecretDisabled");
            return;
        }

        await http.WriteJson(Bundle(secret, includeValue: true));
    }

    private Task List(HttpContext http) => Page(http, store.Latest(), "secrets", versioned: false);

    private async Task Versions(HttpContext http)
    {
        var name = (string)http.Request.RouteValues["name"]!;
        var versions = store.Versions(name);
        if (versions is null)
        {
            await NotFound(http, name);
            return;
        }

        await Page(http, versions, $"secrets/{Uri.EscapeDataString(name)}/versions", versioned: true);
    }

    private async Task Delete(HttpContext http)
    {
        var name = (string)http.Request.RouteValues["name"]!;
        var versions = store.Delete(name);
        if (versions is null)
        {
            await NotFound(http, name);
            return;
        }

        var now = context.Clock.GetUtcNow();
        var bundle = Bundle(versions[^1], includeValue: false);
        bundle["recoveryId"] = context.Url($"deletedsecrets/{Uri.EscapeDataString(name)}");
        bundle["deletedDate"] = now.ToUnixTimeSeconds();
        bundle["scheduledPurgeDate"] = now.AddDays(90).ToUnixTimeSeconds();
        await http.WriteJson(bundle);
    }

    /// <summary>Pages as Key Vault does: maxresults (at most 25) and an absolute nextLink with a $skiptoken.</summary>
    private async Task Page(HttpContext http, IReadOnlyList<SecretVersion> items, string path, bool versioned)
    {
        var size = int.TryParse(http.Request.Query["maxresults"], out var asked) && asked is >= 1 and <= DefaultPageSize ? asked : DefaultPageSize;
        var skip = int.TryParse(http.Request.Query["$skiptoken"], out var token) && token > 0 ? token : 0;
        var page = new JsonArray();
        foreach (var item in items.Skip(skip).Take(size))
        {
            var entry = Bundle(item, includeValue: false);
            if (!versioned)
            {
                entry["id"] = SecretId(item.Name, null);
            }

            page.Add(entry);
        }

        string? next = null;
        if (skip + size < items.Count)
        {
            var apiVersion = Uri.EscapeDataString(http.Request.Query["api-version"].ToString());
            next = context.Url($"{path}?api-version={apiVersion}&$skiptoken={skip + size}&maxresults={size}");
        }

        await http.WriteJson(new JsonObject { ["value"] = page, ["nextLink"] = next });
    }

    private JsonObject Bundle(SecretVersion secret, bool includeValue)
    {
        var attributes = new JsonObject
        {
            ["enabled"] = secret.Enabled,
            ["created"] = secret.Created,
            ["updated"] = secret.Updated,
            ["recoveryLevel"] = "Recoverable+Purgeable",
            ["recoverableDays"] = 90,
        };
        if (secret.NotBefore is { } nbf)
        {
            attributes["nbf"] = nbf;
        }

        if (secret.Expires is { } exp)
        {
            attributes["exp"] = exp;
        }

        var bundle = new JsonObject();
        if (includeValue)
        {
            bundle["value"] = secret.Value;
        }

        bundle["id"] = SecretId(secret.Name, secret.Version);
        if (secret.ContentType is not null)
        {
            bundle["contentType"] = secret.ContentType;
        }

        bundle["attributes"] = attributes;
        bundle["tags"] = new JsonObject(secret.Tags.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value)));
        return bundle;
    }

    private string SecretId(string name, string? version) =>
        context.Url(version is null ? $"secrets/{Uri.EscapeDataString(name)}" : $"secrets/{Uri.EscapeDataString(name)}/{version}");

    private Task Challenge(HttpContext http, string message)
    {
        var authority = $"{context.BaseUri.GetLeftPart(UriPartial.Authority)}/{context.Directory.Partner.Id}";
        http.Response.Headers.WWWAuthenticate = $"Bearer authorization=\"{authority}\", resource=\"{KnownResources.KeyVault}\"";
        return Error(http, 401, "Unauthorized", message);
    }

    private static Task NotFound(HttpContext http, string nameOrId) => Error(http, 404, "SecretNotFound",
        $"A secret with (name/id) {nameOrId} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182");

    private static Task Error(HttpContext http, int status, string code, string message, string? inner = null)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message };
        if (inner is not null)
        {
            error["innererror"] = new JsonObject { ["code"] = inner };
        }

        return http.WriteJson(new JsonObject { ["error"] = error }, status);
    }

    private static string? AudienceOf(string header) =>
        Jwt.ReadUnverified(header[7..].Trim()) is var (_, claims) ? (string?)claims["aud"] : null;

    [GeneratedRegex("^[0-9a-zA-Z-]{1,127}$")]
    private static partial Regex ValidName();
}
