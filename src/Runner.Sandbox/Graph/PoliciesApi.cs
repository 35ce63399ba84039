using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// Conditional Access policies ("List policies", conditionalAccessRoot) and the security defaults policy ("Get
/// identitySecurityDefaultsEnforcementPolicy"); both need Policy.Read.All.
/// </summary>
internal sealed class PoliciesApi(SandboxContext context, GraphApi graph)
{
    private static readonly string[] Read = ["Policy.Read.All", "Policy.ReadWrite.ConditionalAccess"];

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1.0/identity/conditionalAccess/policies", (RequestDelegate)ListConditionalAccess);
        routes.MapGet("/v1.0/identity/conditionalAccess/policies/{id}", (RequestDelegate)GetConditionalAccess);
        routes.MapGet("/v1.0/policies/identitySecurityDefaultsEnforcementPolicy", (RequestDelegate)GetSecurityDefaults);
    }

    private async Task GetConditionalAccess(HttpContext http)
    {
        if (await graph.Authorize(http, Read) is { } caller)
        {
            await GraphObjects.WriteOne(http, graph, caller, "identity/conditionalAccess/policies", c => c.Directory.Policies, p => p.Id,
                (string)http.Request.RouteValues["id"]!, Policy);
        }
    }

    private async Task ListConditionalAccess(HttpContext http)
    {
        if (await graph.Authorize(http, Read) is not { } caller)
        {
            return;
        }

        // Tenants without Entra ID P1 ("What is Conditional Access?": licence requirements) have no policies to list;
        // the sandbox seeds none there rather than guess at a refusal Microsoft does not document.
        List<JsonObject> policies;
        lock (caller.Tenant.Content.Sync)
        {
            policies = caller.Tenant.Content.Directory.Policies.Select(Policy).ToList();
        }

        await GraphList.Write(http, graph, "identity/conditionalAccess/policies", "microsoft.graph.conditionalAccessPolicy", policies);
    }

    private async Task GetSecurityDefaults(HttpContext http)
    {
        if (await graph.Authorize(http, Read) is { } caller)
        {
            await http.WriteJson(new JsonObject
            {
                ["@odata.context"] = context.Url("/v1.0/$metadata#policies/identitySecurityDefaultsEnforcementPolicy/$entity"),
                ["id"] = "00000000-0000-0000-0000-000000000005",
                ["displayName"] = "Security Defaults",
                ["description"] = "Security defaults is a set of basic identity security mechanisms recommended by Microsoft. When enabled, these recommendations will be automatically enforced in your organization. Administrators and users will be better protected from common identity related attacks.",
                ["isEnabled"] = caller.Tenant.Content.Directory.SecurityDefaultsEnabled,
            });
        }
    }

    internal static JsonObject Policy(ConditionalAccessPolicy policy) => new()
    {
        ["id"] = policy.Id.ToString(),
        ["templateId"] = null,
        ["displayName"] = policy.DisplayName,
        ["createdDateTime"] = UserProperties.Date(policy.CreatedDateTime),
        ["modifiedDateTime"] = policy.ModifiedDateTime is { } modified ? UserProperties.Date(modified) : null,
        ["state"] = policy.State,
        ["sessionControls"] = null,
        ["conditions"] = new JsonObject
        {
            ["userRiskLevels"] = new JsonArray(),
            ["signInRiskLevels"] = new JsonArray(),
            ["clientAppTypes"] = Strings(policy.ClientAppTypes),
            ["platforms"] = null,
            ["locations"] = policy.IncludeLocations.Length + policy.ExcludeLocations.Length == 0 ? null : new JsonObject
            {
                ["includeLocations"] = Strings(policy.IncludeLocations),
                ["excludeLocations"] = Strings(policy.ExcludeLocations),
            },
            ["applications"] = new JsonObject
            {
                ["includeApplications"] = Strings(policy.IncludeApplications),
                ["excludeApplications"] = new JsonArray(),
                ["includeUserActions"] = new JsonArray(),
            },
            ["users"] = new JsonObject
            {
                ["includeUsers"] = Strings(policy.IncludeUsers),
                ["excludeUsers"] = Strings(policy.ExcludeUsers),
                ["includeGroups"] = Strings(policy.IncludeGroups),
                ["excludeGroups"] = Strings(policy.ExcludeGroups),
                ["includeRoles"] = Strings(policy.IncludeRoles.Select(r => r.ToString())),
                ["excludeRoles"] = Strings(policy.ExcludeRoles.Select(r => r.ToString())),
            },
        },
        ["grantControls"] = new JsonObject
        {
            ["operator"] = policy.Operator,
            ["builtInControls"] = Strings(policy.BuiltInControls),
            ["customAuthenticationFactors"] = new JsonArray(),
            ["termsOfUse"] = new JsonArray(),
        },
    };

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)v).ToArray());
}
