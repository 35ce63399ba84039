using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// GET /applications ("List applications"): the app registrations of the token's tenant with their
/// passwordCredentials (client secrets: the hint, never the secret) and keyCredentials (certificates: no key), as a
/// credential-expiry report reads them; one by object id or by appId (applications(appId='...')). $filter on appId,
/// displayName and id. Needs Application.Read.All or Directory.Read.All.
/// </summary>
internal sealed class ApplicationsApi(GraphApi graph)
{
    private const string Entity = "microsoft.graph.application";

    private static readonly string[] Read = ["Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"];

    private static readonly IReadOnlyDictionary<string, FilterProperty<AppRegistration>> Filterable =
        new Dictionary<string, FilterProperty<AppRegistration>>(StringComparer.OrdinalIgnoreCase)
        {
            ["id"] = new(EdmType.String, a => a.Id.ToString()),
            ["appId"] = new(EdmType.String, a => a.AppId.ToString()),
            ["displayName"] = new(EdmType.String, a => a.DisplayName),
        };

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1.0/applications", (RequestDelegate)List);
        routes.MapGet("/v1.0/applications/{id}", (RequestDelegate)(http => Get(http, a => a.Id, (string)http.Request.RouteValues["id"]!)));
        routes.MapGet("/v1.0/applications(appId='{appId}')", (RequestDelegate)(http => Get(http, a => a.AppId, (string)http.Request.RouteValues["appId"]!)));
    }

    private async Task List(HttpContext http)
    {
        if (await graph.Authorize(http, Read) is not { } caller)
        {
            return;
        }

        if (await GraphList.Filter(http, graph, Filterable, Entity) is not { } filter)
        {
            return;
        }

        await GraphList.Write(http, graph, "applications", Entity, caller.Tenant.Content.Applications.Where(filter).Select(Json).ToList());
    }

    private async Task Get(HttpContext http, Func<AppRegistration, Guid> key, string value)
    {
        if (await graph.Authorize(http, Read) is { } caller)
        {
            await GraphObjects.WriteOne(http, graph, caller, "applications", c => c.Applications, key, value, Json);
        }
    }

    private static JsonObject Json(AppRegistration app) => new()
    {
        ["id"] = app.Id.ToString(),
        ["appId"] = app.AppId.ToString(),
        ["displayName"] = app.DisplayName,
        ["createdDateTime"] = UserProperties.Date(app.CreatedDateTime),
        ["deletedDateTime"] = null,
        ["signInAudience"] = app.SignInAudience,
        ["publisherDomain"] = null,
        ["passwordCredentials"] = new JsonArray([.. app.Secrets.Select(s => (JsonNode)new JsonObject
        {
            ["customKeyIdentifier"] = null,
            ["displayName"] = s.DisplayName,
            ["endDateTime"] = UserProperties.Date(s.EndDateTime),
            ["hint"] = s.Hint,
            ["keyId"] = s.KeyId.ToString(),
            ["secretText"] = null,
            ["startDateTime"] = UserProperties.Date(s.StartDateTime),
        })]),
        ["keyCredentials"] = new JsonArray([.. app.Certificates.Select(c => (JsonNode)new JsonObject
        {
            ["customKeyIdentifier"] = Convert.ToBase64String(c.KeyId.ToByteArray().Concat(c.KeyId.ToByteArray()).Take(20).ToArray()),
            ["displayName"] = c.DisplayName,
            ["endDateTime"] = UserProperties.Date(c.EndDateTime),
            ["key"] = null,
            ["keyId"] = c.KeyId.ToString(),
            ["startDateTime"] = UserProperties.Date(c.StartDateTime),
            ["type"] = "AsymmetricX509Cert",
            ["usage"] = "Verify",
        })]),
    };
}
