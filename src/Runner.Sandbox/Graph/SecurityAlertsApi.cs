using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// Microsoft Defender XDR through Graph ("List alerts_v2", "Update alert", "List incidents"): GET /security/alerts_v2
/// ($filter on status, severity, serviceSource, classification, createdDateTime; newest first), GET and PATCH
/// /security/alerts_v2/{id} (status, classification, determination, assignedTo: triage from a script), GET
/// /security/incidents[/{id}] (one incident per alert, $expand=alerts). SecurityAlert.Read.All /
/// SecurityAlert.ReadWrite.All and SecurityIncident.Read.All; a partner's admin agent needs a security role (Security
/// Reader, Security Operator or Administrator, Global Reader or Administrator). Tenants without Defender for Business
/// have no alerts.
/// </summary>
internal sealed class SecurityAlertsApi(SandboxContext context, GraphApi graph)
{
    private static readonly string[] Roles =
    [
        GdapSeeder.SecurityReader, GdapSeeder.SecurityAdministrator, GdapSeeder.GlobalReader, GdapSeeder.GlobalAdministrator,
        "5f2222b1-57c3-48ba-8ad5-d4759f1fde6f", // Security Operator
    ];

    private static readonly IReadOnlyDictionary<string, FilterProperty<SecurityAlert>> Filterable =
        new Dictionary<string, FilterProperty<SecurityAlert>>(StringComparer.OrdinalIgnoreCase)
        {
            ["id"] = new(EdmType.String, a => a.Id),
            ["incidentId"] = new(EdmType.String, a => a.IncidentId),
            ["status"] = new(EdmType.String, a => a.Status),
            ["severity"] = new(EdmType.String, a => a.Severity),
            ["serviceSource"] = new(EdmType.String, a => a.ServiceSource),
            ["classification"] = new(EdmType.String, a => a.Classification),
            ["createdDateTime"] = new(EdmType.DateTimeOffset, a => a.CreatedDateTime),
            ["lastUpdateDateTime"] = new(EdmType.DateTimeOffset, a => a.LastUpdateDateTime),
        };

    private static readonly string[] Statuses = ["new", "inProgress", "resolved"];
    private static readonly string[] Classifications = ["unknown", "falsePositive", "truePositive", "informationalExpectedActivity"];

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1.0/security/alerts_v2", (RequestDelegate)Alerts);
        routes.MapGet("/v1.0/security/alerts_v2/{id}", (RequestDelegate)Alert);
        routes.MapMethods("/v1.0/security/alerts_v2/{id}", ["PATCH"], (RequestDelegate)Update);
        routes.MapGet("/v1.0/security/incidents", (RequestDelegate)Incidents);
        routes.MapGet("/v1.0/security/incidents/{id}", (RequestDelegate)Incident);
    }

    private async Task Alerts(HttpContext http)
    {
        if (await Authorize(http, "SecurityAlert.Read.All", "SecurityAlert.ReadWrite.All") is not { } caller ||
            await GraphList.Filter(http, graph, Filterable, "microsoft.graph.security.alert") is not { } filter)
        {
            return;
        }

        List<JsonObject> alerts;
        lock (caller.Tenant.Content.Sync)
        {
            alerts = caller.Tenant.Content.SecurityAlerts.Where(filter).Select(a => Json(caller.Tenant, a)).ToList();
        }

        await GraphList.Write(http, graph, "security/alerts_v2", "microsoft.graph.security.alert", alerts);
    }

    private async Task Alert(HttpContext http)
    {
        if (await Authorize(http, "SecurityAlert.Read.All", "SecurityAlert.ReadWrite.All") is { } caller)
        {
            await GraphObjects.WriteOne(http, graph, caller, "security/alerts_v2", c => c.SecurityAlerts, a => a.Id, (string)http.Request.RouteValues["id"]!, a => Json(caller.Tenant, a));
        }
    }

    private async Task Update(HttpContext http)
    {
        if (await Authorize(http, "SecurityAlert.ReadWrite.All") is not { } caller || await GraphObjects.Body(http, graph) is not { } body)
        {
            return;
        }

        string? Value(string name, string[]? allowed) =>
            body[name] is JsonValue v && v.TryGetValue<string>(out var text) && (allowed is null || allowed.Contains(text)) ? text : null;
        var unknown = body.Where(p => !p.Key.StartsWith('@')).Select(p => p.Key).FirstOrDefault(k => k is not ("status" or "classification" or "determination" or "assignedTo"));
        var status = body.ContainsKey("status") ? Value("status", Statuses) : null;
        var classification = body.ContainsKey("classification") ? Value("classification", Classifications) : null;
        if (unknown is not null || (body.ContainsKey("status") && status is null) || (body.ContainsKey("classification") && classification is null))
        {
            await graph.Error(http, 400, "BadRequest", $"Invalid alert update: {unknown ?? "status or classification"}.");
            return;
        }

        var id = (string)http.Request.RouteValues["id"]!;
        SecurityAlert? alert;
        lock (caller.Tenant.Content.Sync)
        {
            alert = caller.Tenant.Content.SecurityAlerts.FirstOrDefault(a => a.Id == id);
            if (alert is not null)
            {
                alert.Status = status ?? alert.Status;
                alert.Classification = classification ?? alert.Classification;
                alert.Determination = Value("determination", null) ?? alert.Determination;
                alert.AssignedTo = body.ContainsKey("assignedTo") ? Value("assignedTo", null) : alert.AssignedTo;
                alert.LastUpdateDateTime = context.Clock.GetUtcNow();
            }
        }

        if (alert is null)
        {
            await GraphObjects.NotFound(http, graph, id);
            return;
        }

        var json = Json(caller.Tenant, alert);
        json["@odata.context"] = graph.Context(http, "security/alerts_v2") + "/$entity";
        await http.WriteJson(json);
    }

    private async Task Incidents(HttpContext http)
    {
        if (await Authorize(http, "SecurityIncident.Read.All", "SecurityIncident.ReadWrite.All") is not { } caller)
        {
            return;
        }

        var expand = string.Equals(http.Query("$expand"), "alerts", StringComparison.OrdinalIgnoreCase);
        List<JsonObject> incidents;
        lock (caller.Tenant.Content.Sync)
        {
            incidents = caller.Tenant.Content.SecurityAlerts.Select(a => IncidentJson(caller.Tenant, a, expand)).ToList();
        }

        await GraphList.Write(http, graph, "security/incidents", "microsoft.graph.security.incident", incidents, expanded: expand ? "alerts" : null);
    }

    private async Task Incident(HttpContext http)
    {
        if (await Authorize(http, "SecurityIncident.Read.All", "SecurityIncident.ReadWrite.All") is { } caller)
        {
            var expand = string.Equals(http.Query("$expand"), "alerts", StringComparison.OrdinalIgnoreCase);
            await GraphObjects.WriteOne(http, graph, caller, "security/incidents", c => c.SecurityAlerts, a => a.IncidentId, (string)http.Request.RouteValues["id"]!,
                a => IncidentJson(caller.Tenant, a, expand));
        }
    }

    private async Task<ApiCaller?> Authorize(HttpContext http, params string[] permissions)
    {
        if (await graph.Authorize(http, permissions) is not { } caller)
        {
            return null;
        }

        if (!graph.HasRole(caller, Roles))
        {
            await graph.Error(http, 403, "Forbidden", "The user does not have the required permissions to access Microsoft Defender data.");
            return null;
        }

        return caller;
    }

    private static JsonObject Json(SandboxTenant tenant, SecurityAlert a) => new()
    {
        ["id"] = a.Id,
        ["providerAlertId"] = a.Id[2..],
        ["incidentId"] = a.IncidentId,
        ["status"] = a.Status,
        ["severity"] = a.Severity,
        ["classification"] = a.Classification,
        ["determination"] = a.Determination,
        ["serviceSource"] = a.ServiceSource,
        ["detectionSource"] = a.DetectionSource,
        ["title"] = a.Title,
        ["description"] = $"{a.Title} involving {a.User.UserPrincipalName}.",
        ["category"] = a.Category,
        ["assignedTo"] = a.AssignedTo,
        ["tenantId"] = tenant.Id.ToString(),
        ["createdDateTime"] = UserProperties.Date(a.CreatedDateTime),
        ["firstActivityDateTime"] = UserProperties.Date(a.CreatedDateTime.AddMinutes(-5)),
        ["lastActivityDateTime"] = UserProperties.Date(a.CreatedDateTime),
        ["lastUpdateDateTime"] = UserProperties.Date(a.LastUpdateDateTime),
        ["resolvedDateTime"] = a.Status == "resolved" ? UserProperties.Date(a.LastUpdateDateTime) : null,
        ["alertWebUrl"] = $"https://security.microsoft.com/alerts/{a.Id}?tid={tenant.Id}",
        ["incidentWebUrl"] = $"https://security.microsoft.com/incidents/{a.IncidentId}?tid={tenant.Id}",
        ["evidence"] = new JsonArray(new JsonObject
        {
            ["@odata.type"] = "#microsoft.graph.security.userEvidence",
            ["createdDateTime"] = UserProperties.Date(a.CreatedDateTime),
            ["verdict"] = "suspicious",
            ["remediationStatus"] = a.Status == "resolved" ? "remediated" : "none",
            ["roles"] = new JsonArray(),
            ["tags"] = new JsonArray(),
            ["userAccount"] = new JsonObject
            {
                ["accountName"] = a.User.UserPrincipalName.Split('@')[0],
                ["displayName"] = a.User.DisplayName,
                ["userPrincipalName"] = a.User.UserPrincipalName,
                ["azureAdUserId"] = a.User.Id.ToString(),
            },
        }),
    };

    private static JsonObject IncidentJson(SandboxTenant tenant, SecurityAlert a, bool expand)
    {
        var json = new JsonObject
        {
            ["id"] = a.IncidentId,
            ["displayName"] = $"{a.Title} involving one user",
            ["severity"] = a.Severity,
            ["status"] = a.Status == "resolved" ? "resolved" : "active",
            ["classification"] = a.Classification,
            ["determination"] = a.Determination,
            ["assignedTo"] = a.AssignedTo,
            ["tenantId"] = tenant.Id.ToString(),
            ["createdDateTime"] = UserProperties.Date(a.CreatedDateTime),
            ["lastUpdateDateTime"] = UserProperties.Date(a.LastUpdateDateTime),
            ["incidentWebUrl"] = $"https://security.microsoft.com/incidents/{a.IncidentId}?tid={tenant.Id}",
        };
        if (expand)
        {
            json["alerts"] = new JsonArray(Json(tenant, a));
        }

        return json;
    }
}
