using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;
using Runner.Sandbox.Identity;

namespace Runner.Sandbox.ResourceManager;

/// <summary>What every ARM request goes through: api-version, the bearer token, and the subscription of its tenant.</summary>
internal sealed class ArmAccess(SandboxContext context)
{
    public SandboxContext Context => context;

    /// <summary>Resource groups being deleted, settled whenever their subscription is used.</summary>
    public ResourceGroupDeletions Deletions { get; } = new(context);

    /// <summary>The caller, or null after answering 400 (no api-version) or 401 (bad token).</summary>
    public async Task<ApiCaller?> Authorize(HttpContext http)
    {
        if (string.IsNullOrEmpty(http.Query("api-version")))
        {
            await ArmJson.Error(http, 400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
            return null;
        }

        var check = context.Validator.Validate(http, KnownResources.ResourceManager);
        if (check.Succeeded)
        {
            return check.Caller;
        }

        http.Response.Headers.WWWAuthenticate =
            $"Bearer authorization_uri=\"{context.BaseUri.GetLeftPart(UriPartial.Authority)}/\", error=\"invalid_token\", error_description=\"{check.Message}\"";
        await ArmJson.Error(http, 401, check.Code, check.Message);
        return null;
    }

    /// <summary>
    /// The route's subscription when it belongs to the token's tenant. Another tenant's subscription is refused as
    /// ARM refuses it (the token's issuer is wrong); an unknown one is 404 SubscriptionNotFound.
    /// </summary>
    public async Task<(AzureSubscription Subscription, SandboxTenant Tenant)?> FindSubscription(HttpContext http)
    {
        if (await Authorize(http) is not { } caller)
        {
            return null;
        }

        var id = (string)http.Request.RouteValues["subscriptionId"]!;
        var own = caller.Tenant.Content.AzureSubscriptions.FirstOrDefault(s => string.Equals(s.SubscriptionId, id, StringComparison.OrdinalIgnoreCase));
        if (own is not null)
        {
            Deletions.Settle(own, caller.Tenant);
            return (own, caller.Tenant);
        }

        if (context.Directory.FindSubscriptionOwner(id) is { } owner)
        {
            await ArmJson.Error(http, 401, "InvalidAuthenticationTokenTenant",
                $"The access token is from the wrong issuer 'https://sts.windows.net/{caller.Tenant.Id}/'. It must match the tenant 'https://sts.windows.net/{owner.Id}/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/{owner.Id}' to get the token.");
            return null;
        }

        await ArmJson.Error(http, 404, "SubscriptionNotFound", $"The subscription '{id}' could not be found.");
        return null;
    }

    public static async Task<ResourceGroup?> FindGroup(HttpContext http, AzureSubscription sub, SandboxTenant tenant)
    {
        var name = (string)http.Request.RouteValues["resourceGroup"]!;
        ResourceGroup? group;
        lock (tenant.Content.Sync)
        {
            group = sub.ResourceGroups.FirstOrDefault(g => string.Equals(g.Name, name, StringComparison.OrdinalIgnoreCase));
        }

        if (group is null)
        {
            await ArmJson.Error(http, 404, "ResourceGroupNotFound", $"Resource group '{name}' could not be found.");
        }

        return group;
    }

    /// <summary>
    /// Writes one page of a list, and an absolute nextLink with a $skiptoken while more remain. Pages are small by
    /// default so every client exercises nextLink paging even on small tenants; $top sets the page size.
    /// </summary>
    public async Task WritePage(HttpContext http, List<JsonNode> all, int pageSize, bool withCount = false)
    {
        var skip = 0;
        if (http.Query("$skiptoken") is { } token && !int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out skip))
        {
            await ArmJson.Error(http, 400, "InvalidSkipToken", $"The $skiptoken '{token}' is not valid.");
            return;
        }

        if (http.Query("$top") is { } topText)
        {
            if (!int.TryParse(topText, NumberStyles.None, CultureInfo.InvariantCulture, out var top) || top < 1 || top > 1000)
            {
                await ArmJson.Error(http, 400, "InvalidTopInQueryString", $"Invalid $top '{topText}' specified in the query string. It must be between 1 and 1000.");
                return;
            }

            pageSize = top;
        }

        var page = all.Skip(skip).Take(pageSize).ToArray();
        var body = new JsonObject { ["value"] = new JsonArray(page) };
        if (withCount)
        {
            body["count"] = new JsonObject { ["type"] = "Total", ["value"] = all.Count };
        }

        if (skip + page.Length < all.Count)
        {
            var query = http.Request.Query
                .Where(q => q.Key != "$skiptoken")
                .Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value.ToString())}")
                .Append($"$skiptoken={skip + page.Length}");
            body["nextLink"] = context.Url($"{http.Request.Path}?{string.Join('&', query)}");
        }

        await http.WriteJson(body);
    }
}
