using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.ResourceManager;

/// <summary>
/// What ARM says about where a caller may go: "Tenants - List" (GET /tenants) and "Subscriptions - List Locations"
/// (GET /subscriptions/{id}/locations), both called by az login, azure-mgmt-resource and Az PowerShell.
/// </summary>
internal sealed class ArmDirectoryApi(ArmAccess access)
{
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/tenants", (RequestDelegate)ListTenants);
        routes.MapGet("/subscriptions/{subscriptionId}/locations", (RequestDelegate)ListLocations);
    }

    /// <summary>A token is issued for one tenant, and ARM lists the tenants that token reaches: that one.</summary>
    private async Task ListTenants(HttpContext http)
    {
        if (await access.Authorize(http) is not { } caller)
        {
            return;
        }

        var tenant = caller.Tenant;
        var domains = new JsonArray([.. tenant.Content.VerifiedDomains.Select(d => (JsonNode)d)]);
        JsonNode item = new JsonObject
        {
            ["id"] = $"/tenants/{tenant.Id}",
            ["tenantId"] = tenant.Id.ToString(),
            ["countryCode"] = tenant.Content.CountryLetterCode,
            ["displayName"] = tenant.DisplayName,
            ["domains"] = domains,
            ["tenantCategory"] = "Home",
            ["defaultDomain"] = tenant.Domain,
            ["tenantType"] = "AAD",
        };
        await access.WritePage(http, [item], ResourceManagerApi.SubscriptionPageSize);
    }

    /// <summary>Every region, unpaged, as ARM answers it (no nextLink on this list).</summary>
    private async Task ListLocations(HttpContext http)
    {
        if (await access.FindSubscription(http) is not ({ } sub, _))
        {
            return;
        }

        var prefix = $"/subscriptions/{sub.SubscriptionId}/locations/";
        var value = new JsonArray([.. ArmRegions.All.Select(r => (JsonNode)new JsonObject
        {
            ["id"] = prefix + r.Name,
            ["name"] = r.Name,
            ["type"] = "Region",
            ["displayName"] = r.DisplayName,
            ["regionalDisplayName"] = r.RegionalDisplayName,
            ["metadata"] = new JsonObject
            {
                ["regionType"] = "Physical",
                ["regionCategory"] = "Recommended",
                ["geographyGroup"] = r.GeographyGroup,
                ["longitude"] = r.Longitude,
                ["latitude"] = r.Latitude,
                ["physicalLocation"] = r.PhysicalLocation,
                ["pairedRegion"] = new JsonArray(new JsonObject { ["name"] = r.PairedRegion, ["id"] = prefix + r.PairedRegion }),
            },
        })]);
        await http.WriteJson(new JsonObject { ["value"] = value });
    }
}
