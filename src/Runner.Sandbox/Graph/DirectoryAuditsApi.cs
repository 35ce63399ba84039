using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// GET /auditLogs/directoryAudits[/{id}] ("List directoryAudits"): the tenant's directory audit log, newest first,
/// kept 7 days in a tenant without Entra ID P1 and 30 days with it ("Microsoft Entra data retention"), by the sandbox
/// clock. $filter (eq, ge, le, startswith, as the page lists) on what reviews filter by (activityDateTime, activityDisplayName, category, result, loggedByService,
/// operationType, initiatedBy/user/…, initiatedBy/app/…, targetResources/any(t:t/id eq …)) and $orderby on
/// activityDateTime. Needs AuditLog.Read.All and Directory.Read.All, as the page says, and for a user one of the roles
/// it names (Reports Reader, Security Reader, Security Administrator) or Global Reader / Global Administrator.
/// </summary>
internal sealed class DirectoryAuditsApi(SandboxContext context, GraphApi graph)
{
    private const string Entity = "microsoft.graph.directoryAudit";
    private const string EntitySet = "auditLogs/directoryAudits";

    private static readonly string[] Roles =
        [GdapSeeder.ReportsReader, GdapSeeder.SecurityReader, GdapSeeder.SecurityAdministrator, GdapSeeder.GlobalReader, GdapSeeder.GlobalAdministrator];

    private static readonly IReadOnlyDictionary<string, FilterProperty<DirectoryAuditRecord>> Filterable =
        new Dictionary<string, FilterProperty<DirectoryAuditRecord>>(StringComparer.OrdinalIgnoreCase)
        {
            ["id"] = new(EdmType.String, a => a.Id),
            ["activityDateTime"] = new(EdmType.DateTimeOffset, a => a.ActivityDateTime),
            ["activityDisplayName"] = new(EdmType.String, a => a.ActivityDisplayName),
            ["category"] = new(EdmType.String, a => a.Category),
            ["correlationId"] = new(EdmType.String, a => a.CorrelationId.ToString()),
            ["loggedByService"] = new(EdmType.String, a => a.LoggedByService),
            ["operationType"] = new(EdmType.String, a => a.OperationType),
            ["result"] = new(EdmType.String, a => a.Result),
            ["initiatedBy/user/id"] = new(EdmType.String, a => a.InitiatedBy.IsApp ? null : a.InitiatedBy.Id.ToString()),
            ["initiatedBy/user/userPrincipalName"] = new(EdmType.String, a => a.InitiatedBy.UserPrincipalName),
            ["initiatedBy/app/appId"] = new(EdmType.String, a => a.InitiatedBy.AppId?.ToString()),
            ["initiatedBy/app/displayName"] = new(EdmType.String, a => a.InitiatedBy.IsApp ? a.InitiatedBy.DisplayName : null),
            ["targetResources/id"] = new(EdmType.String, a => a.TargetResources.Select(t => (object)t.Id.ToString()), IsCollection: true),
            ["targetResources/displayName"] = new(EdmType.String, a => a.TargetResources.Where(t => t.DisplayName is not null).Select(t => (object)t.DisplayName!), IsCollection: true),
            ["targetResources/userPrincipalName"] = new(EdmType.String, a => a.TargetResources.Where(t => t.UserPrincipalName is not null).Select(t => (object)t.UserPrincipalName!), IsCollection: true),
        };

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1.0/auditLogs/directoryAudits", (RequestDelegate)List);
        routes.MapGet("/v1.0/auditLogs/directoryAudits/{id}", (RequestDelegate)Get);
    }

    private async Task List(HttpContext http)
    {
        if (await Authorize(http) is not { } caller || await GraphList.Filter(http, graph, Filterable, Entity, ["eq", "ge", "le", "startswith"]) is not { } filter)
        {
            return;
        }

        var ascending = false;
        GraphList.Handled(http, "$orderby");
        if (http.Query("$orderby") is { Length: > 0 } orderBy)
        {
            var parts = orderBy.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (!parts[0].Equals("activityDateTime", StringComparison.OrdinalIgnoreCase) || parts.Length > 2 ||
                (parts.Length == 2 && !parts[1].Equals("asc", StringComparison.OrdinalIgnoreCase) && !parts[1].Equals("desc", StringComparison.OrdinalIgnoreCase)))
            {
                await graph.Error(http, 400, "Request_UnsupportedQuery", $"Unsupported $orderby '{orderBy}': only activityDateTime (asc or desc) is supported on directoryAudits.");
                return;
            }

            ascending = parts.Length == 1 || parts[1].Equals("asc", StringComparison.OrdinalIgnoreCase);
        }

        List<JsonObject> audits;
        lock (caller.Tenant.Content.Sync)
        {
            var kept = Kept(caller).Where(filter);
            audits = (ascending ? kept.OrderBy(a => a.ActivityDateTime) : kept.OrderByDescending(a => a.ActivityDateTime)).Select(Json).ToList();
        }

        await GraphList.Write(http, graph, EntitySet, Entity, audits);
    }

    private async Task Get(HttpContext http)
    {
        if (await Authorize(http) is { } caller)
        {
            await GraphObjects.WriteOne(http, graph, caller, EntitySet, _ => Kept(caller), a => a.Id, (string)http.Request.RouteValues["id"]!, Json);
        }
    }

    /// <summary>What the tenant's licence keeps, by the sandbox clock (call under the content lock).</summary>
    private IEnumerable<DirectoryAuditRecord> Kept(ApiCaller caller)
    {
        var since = context.Clock.GetUtcNow() - TimeSpan.FromDays(DirectorySeeder.HasPremium(caller.Tenant.Content) ? 30 : 7);
        return caller.Tenant.Content.DirectoryAudits.Where(a => a.ActivityDateTime > since);
    }

    private async Task<ApiCaller?> Authorize(HttpContext http)
    {
        if (await graph.Authorize(http, "AuditLog.Read.All") is not { } caller)
        {
            return null;
        }

        if (!caller.Permissions.Contains("Directory.Read.All") && !caller.Permissions.Contains("Directory.ReadWrite.All"))
        {
            await graph.Error(http, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
            return null;
        }

        if (!graph.HasRole(caller, Roles))
        {
            // Observed wording of the reporting APIs for a signed-in user without a reporting role.
            await graph.Error(http, 403, "Authentication_RequestFromUnsupportedUserRole", "User is not in the allowed roles");
            return null;
        }

        return caller;
    }

    private static JsonObject Json(DirectoryAuditRecord a) => new()
    {
        ["id"] = a.Id,
        ["category"] = a.Category,
        ["correlationId"] = a.CorrelationId.ToString(),
        ["result"] = a.Result,
        ["resultReason"] = "",
        ["activityDisplayName"] = a.ActivityDisplayName,
        ["activityDateTime"] = UserProperties.Date(a.ActivityDateTime),
        ["loggedByService"] = a.LoggedByService,
        ["operationType"] = a.OperationType,
        ["initiatedBy"] = a.InitiatedBy.IsApp
            ? new JsonObject
            {
                ["user"] = null,
                ["app"] = new JsonObject
                {
                    ["appId"] = a.InitiatedBy.AppId.ToString(),
                    ["displayName"] = a.InitiatedBy.DisplayName,
                    ["servicePrincipalId"] = a.InitiatedBy.Id.ToString(),
                    ["servicePrincipalName"] = null,
                },
            }
            : new JsonObject
            {
                ["app"] = null,
                ["user"] = new JsonObject
                {
                    ["id"] = a.InitiatedBy.Id.ToString(),
                    ["displayName"] = null,
                    ["userPrincipalName"] = a.InitiatedBy.UserPrincipalName,
                    ["ipAddress"] = a.InitiatedBy.IpAddress ?? "",
                    ["userType"] = null,
                    ["homeTenantId"] = a.InitiatedBy.HomeTenantId?.ToString(),
                    ["homeTenantName"] = a.InitiatedBy.HomeTenantName,
                },
            },
        ["targetResources"] = new JsonArray([.. a.TargetResources.Select(t => (JsonNode)new JsonObject
        {
            ["id"] = t.Id.ToString(),
            ["displayName"] = t.DisplayName,
            ["type"] = t.Type,
            ["userPrincipalName"] = t.UserPrincipalName,
            ["groupType"] = null,
            ["modifiedProperties"] = new JsonArray([.. t.ModifiedProperties.Select(m => (JsonNode)new JsonObject
            {
                ["displayName"] = m.DisplayName,
                ["oldValue"] = m.OldValue,
                ["newValue"] = m.NewValue,
            })]),
        })]),
        ["additionalDetails"] = new JsonArray(),
    };
}
