using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// /tenantRelationships/delegatedAdminRelationships: the partner's GDAP relationships, in the partner tenant only.
/// Status follows the sandbox clock, so advancing it past an end date turns a relationship "expired".
/// </summary>
internal sealed class GdapApi(SandboxContext context, GraphApi graph)
{
    private const string Path = "/v1.0/tenantRelationships/delegatedAdminRelationships";
    private const int MaxTop = 300;

    private static readonly string[] Permissions = ["DelegatedAdminRelationship.Read.All", "DelegatedAdminRelationship.ReadWrite.All"];

    private static readonly IReadOnlyDictionary<string, FilterProperty<(GdapRelationship R, string Status)>> Filterable =
        new Dictionary<string, FilterProperty<(GdapRelationship R, string Status)>>(StringComparer.OrdinalIgnoreCase)
        {
            ["id"] = new(EdmType.String, x => x.R.Id),
            ["displayName"] = new(EdmType.String, x => x.R.DisplayName),
            ["status"] = new(EdmType.String, x => x.Status),
            ["customer/tenantId"] = new(EdmType.String, x => x.R.CustomerTenantId.ToString()),
            ["customer/displayName"] = new(EdmType.String, x => x.R.CustomerName),
            ["endDateTime"] = new(EdmType.DateTimeOffset, x => x.R.EndDateTime),
            ["createdDateTime"] = new(EdmType.DateTimeOffset, x => x.R.CreatedDateTime),
        };

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, (RequestDelegate)List);
        routes.MapGet(Path + "/{id}", (RequestDelegate)Get);
    }

    private async Task List(HttpContext http)
    {
        if (await Partner(http) is null)
        {
            return;
        }

        var now = context.Clock.GetUtcNow();
        List<(GdapRelationship R, string Status)> all;
        int top, skip;
        try
        {
            Func<(GdapRelationship R, string Status), bool> filter = _ => true;
            if (http.Query("$filter") is { Length: > 0 } text)
            {
                filter = ODataFilter<(GdapRelationship R, string Status)>.Parse(text, Filterable, "microsoft.graph.delegatedAdminRelationship").Predicate;
            }

            top = MaxTop;
            if (http.Query("$top") is { } topText && (!int.TryParse(topText, NumberStyles.None, CultureInfo.InvariantCulture, out top) || top < 1 || top > MaxTop))
            {
                throw new ODataQueryException("BadRequest", $"The $top value '{topText}' is not valid. It must be between 1 and {MaxTop}.");
            }

            skip = UserQuery.ReadSkipToken(http.Query("$skiptoken"));
            all = context.Directory.Relationships.Select(r => (r, r.StatusAt(now))).Where(filter).ToList();
        }
        catch (ODataQueryException e)
        {
            await graph.Error(http, e.Status, e.Code, e.Message);
            return;
        }

        var page = all.Skip(skip).Take(top).Select(x => (JsonNode)Relationship(x.R, x.Status)).ToArray();
        var body = new JsonObject { ["@odata.context"] = context.Url("/v1.0/tenantRelationships/$metadata#delegatedAdminRelationships") };
        if (skip + page.Length < all.Count)
        {
            body["@odata.nextLink"] = graph.NextLink(http, skip + page.Length);
        }

        body["value"] = new JsonArray(page);
        await http.WriteJson(body);
    }

    private async Task Get(HttpContext http)
    {
        if (await Partner(http) is null)
        {
            return;
        }

        var id = (string)http.Request.RouteValues["id"]!;
        var relationship = context.Directory.Relationships.FirstOrDefault(r => string.Equals(r.Id, id, StringComparison.OrdinalIgnoreCase));
        if (relationship is null)
        {
            await graph.Error(http, 404, "NotFound", $"The delegated admin relationship '{id}' was not found.");
            return;
        }

        var json = Relationship(relationship, relationship.StatusAt(context.Clock.GetUtcNow()));
        json["@odata.context"] = context.Url("/v1.0/tenantRelationships/$metadata#delegatedAdminRelationships/$entity");
        await http.WriteJson(json);
    }

    private async Task<ApiCaller?> Partner(HttpContext http)
    {
        if (await graph.Authorize(http, Permissions) is not { } caller)
        {
            return null;
        }

        if (!caller.Tenant.IsPartner)
        {
            await graph.Error(http, 403, "Authorization_RequestDenied", "The tenant is not a partner tenant; delegated admin relationships are managed by partners.");
            return null;
        }

        return caller;
    }

    private static JsonObject Relationship(GdapRelationship r, string status) => new()
    {
        ["@odata.type"] = "#microsoft.graph.delegatedAdminRelationship",
        ["@odata.etag"] = $"W/\"{Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(r.Id))}\"",
        ["id"] = r.Id,
        ["displayName"] = r.DisplayName,
        ["duration"] = $"P{(int)Math.Round((r.EndDateTime - (r.ActivatedDateTime ?? r.CreatedDateTime)).TotalDays)}D",
        ["customer"] = new JsonObject { ["tenantId"] = r.CustomerTenantId.ToString(), ["displayName"] = r.CustomerName },
        ["accessDetails"] = new JsonObject
        {
            ["unifiedRoles"] = new JsonArray(r.RoleDefinitionIds.Select(id => (JsonNode)new JsonObject { ["roleDefinitionId"] = id }).ToArray()),
        },
        ["status"] = status,
        ["autoExtendDuration"] = r.AutoExtendDuration,
        ["createdDateTime"] = UserProperties.Date(r.CreatedDateTime),
        ["lastModifiedDateTime"] = UserProperties.Date(r.ActivatedDateTime ?? r.CreatedDateTime),
        ["activatedDateTime"] = r.ActivatedDateTime is { } activated ? UserProperties.Date(activated) : null,
        // Not yet approved: the end is not fixed yet.
        ["endDateTime"] = r.ActivatedDateTime is null ? null : UserProperties.Date(r.EndDateTime),
    };
}
