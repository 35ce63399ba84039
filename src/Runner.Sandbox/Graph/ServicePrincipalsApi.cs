using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// /servicePrincipals: the enterprise applications in the token's tenant. The partner's app has one in every tenant
/// (its id is the oid of the app-only tokens issued there), beside the Microsoft APIs it calls. List with $filter
/// (appId, displayName, servicePrincipalType), get by id or by appId (servicePrincipals(appId='...')).
/// </summary>
internal sealed class ServicePrincipalsApi(SandboxContext context, GraphApi graph)
{
    private const string Entity = "microsoft.graph.servicePrincipal";

    /// <summary>Microsoft's own first-party applications, with the application ids they have in every tenant.</summary>
    private static readonly (Guid AppId, string Name)[] MicrosoftApis =
    [
        (Guid.Parse("00000003-0000-0000-c000-000000000000"), "Microsoft Graph"),
        (Guid.Parse("797f4846-ba00-4fd7-ba43-dac1f8f63013"), "Windows Azure Service Management API"),
        (Guid.Parse("fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd"), "Microsoft Partner Center"),
    ];

    /// <summary>Microsoft's services tenant, the owner Graph names for first-party applications.</summary>
    private static readonly Guid MicrosoftServicesTenant = Guid.Parse("f8cdef31-a31e-4b4a-93e4-5f571e91255a");

    private static readonly IReadOnlyDictionary<string, FilterProperty<JsonObject>> Filterable =
        new Dictionary<string, FilterProperty<JsonObject>>(StringComparer.OrdinalIgnoreCase)
        {
            ["appId"] = new(EdmType.String, p => (string?)p["appId"]),
            ["displayName"] = new(EdmType.String, p => (string?)p["displayName"]),
            ["servicePrincipalType"] = new(EdmType.String, p => (string?)p["servicePrincipalType"]),
            ["id"] = new(EdmType.String, p => (string?)p["id"]),
        };

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1.0/servicePrincipals", (RequestDelegate)List);
        routes.MapGet("/v1.0/servicePrincipals/{id}", (RequestDelegate)(http => Get(http, "id", (string)http.Request.RouteValues["id"]!)));
        routes.MapGet("/v1.0/servicePrincipals(appId='{appId}')", (RequestDelegate)(http => Get(http, "appId", (string)http.Request.RouteValues["appId"]!)));
    }

    private async Task List(HttpContext http)
    {
        if (await graph.Authorize(http, "Application.Read.All", "Directory.Read.All") is not { } caller)
        {
            return;
        }

        if (await GraphList.Filter(http, graph, Filterable, Entity) is not { } filter)
        {
            return;
        }

        await GraphList.Write(http, graph, "servicePrincipals", Entity, Principals(caller.Tenant).Where(filter).ToList());
    }

    /// <summary>By object id, or by application id in Graph's alternate-key form servicePrincipals(appId='...').</summary>
    private async Task Get(HttpContext http, string property, string key)
    {
        if (await graph.Authorize(http, "Application.Read.All", "Directory.Read.All") is not { } caller)
        {
            return;
        }

        var found = Principals(caller.Tenant).FirstOrDefault(p => string.Equals((string?)p[property], key, StringComparison.OrdinalIgnoreCase));
        if (found is null)
        {
            await graph.Error(http, 404, "Request_ResourceNotFound", $"Resource '{key}' does not exist or one of its queried reference-property objects are not present.");
            return;
        }

        found["@odata.context"] = context.Url("/v1.0/$metadata#servicePrincipals/$entity");
        await http.WriteJson(found);
    }

    private List<JsonObject> Principals(SandboxTenant tenant)
    {
        var app = context.Directory.Application;
        var list = new List<JsonObject> { Principal(app.ServicePrincipalId(tenant.Id), app.ClientId, app.DisplayName, app.HomeTenantId) };
        list.AddRange(MicrosoftApis.Select(m => Principal(DeterministicGuid.Create(0, $"{m.AppId}:servicePrincipal:{tenant.Id}"), m.AppId, m.Name, MicrosoftServicesTenant)));
        return list;
    }

    private static JsonObject Principal(Guid id, Guid appId, string name, Guid owner) => new()
    {
        ["id"] = id.ToString(),
        ["appId"] = appId.ToString(),
        ["displayName"] = name,
        ["appDisplayName"] = name,
        ["appOwnerOrganizationId"] = owner.ToString(),
        ["accountEnabled"] = true,
        ["appRoleAssignmentRequired"] = false,
        ["servicePrincipalType"] = "Application",
        ["signInAudience"] = "AzureADMultipleOrgs",
        ["servicePrincipalNames"] = new JsonArray(appId.ToString()),
        ["tags"] = new JsonArray(),
    };
}
