using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// Service communications ("serviceAnnouncement"): GET /admin/serviceAnnouncement/healthOverviews[/{service}] (each
/// service the tenant has, serviceOperational or degraded by its open incidents, $expand=issues), issues[/{id}]
/// ($filter on isResolved, classification, service, status, startDateTime) and messages[/{id}] (message center,
/// $filter on category, isMajorChange, severity). ServiceHealth.Read.All for health, ServiceMessage.Read.All for
/// messages, as their pages say. The posts are the sandbox's (<see cref="ServiceHealthSeeder"/>).
/// </summary>
internal sealed class ServiceHealthApi(SandboxContext context, GraphApi graph)
{
    private const string Root = "admin/serviceAnnouncement";

    private static readonly IReadOnlyDictionary<string, FilterProperty<ServiceIssue>> IssueFilters =
        new Dictionary<string, FilterProperty<ServiceIssue>>(StringComparer.OrdinalIgnoreCase)
        {
            ["id"] = new(EdmType.String, i => i.Id),
            ["service"] = new(EdmType.String, i => i.Service),
            ["classification"] = new(EdmType.String, i => i.Classification),
            ["status"] = new(EdmType.String, i => i.Status),
            ["isResolved"] = new(EdmType.Boolean, i => i.IsResolved),
            ["startDateTime"] = new(EdmType.DateTimeOffset, i => i.StartDateTime),
            ["lastModifiedDateTime"] = new(EdmType.DateTimeOffset, i => i.LastModifiedDateTime),
        };

    private static readonly IReadOnlyDictionary<string, FilterProperty<ServiceMessage>> MessageFilters =
        new Dictionary<string, FilterProperty<ServiceMessage>>(StringComparer.OrdinalIgnoreCase)
        {
            ["id"] = new(EdmType.String, m => m.Id),
            ["category"] = new(EdmType.String, m => m.Category),
            ["severity"] = new(EdmType.String, m => m.Severity),
            ["isMajorChange"] = new(EdmType.Boolean, m => m.IsMajorChange),
            ["startDateTime"] = new(EdmType.DateTimeOffset, m => m.StartDateTime),
        };

    private readonly Lazy<(List<ServiceIssue> Issues, List<ServiceMessage> Messages)> _posts =
        new(() => ServiceHealthSeeder.Build(context.Options.Seed, new DateTimeOffset(context.Clock.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero)));

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet($"/v1.0/{Root}/healthOverviews", (RequestDelegate)Overviews);
        routes.MapGet($"/v1.0/{Root}/healthOverviews/{{service}}", (RequestDelegate)Overview);
        routes.MapGet($"/v1.0/{Root}/issues", (RequestDelegate)Issues);
        routes.MapGet($"/v1.0/{Root}/issues/{{id}}", (RequestDelegate)Issue);
        routes.MapGet($"/v1.0/{Root}/messages", (RequestDelegate)MessagesList);
        routes.MapGet($"/v1.0/{Root}/messages/{{id}}", (RequestDelegate)Message);
    }

    private async Task Overviews(HttpContext http)
    {
        if (await graph.Authorize(http, "ServiceHealth.Read.All") is { } caller)
        {
            var expand = http.Query("$expand") is { } e && e.Equals("issues", StringComparison.OrdinalIgnoreCase);
            var services = Services(caller);
            var issues = IssuesOf(services);
            var overviews = services.Order().Select(s => OverviewJson(issues, s, expand)).ToList();
            await GraphList.Write(http, graph, $"{Root}/healthOverviews", "microsoft.graph.serviceHealth", overviews, expanded: expand ? "issues" : null);
        }
    }

    private async Task Overview(HttpContext http)
    {
        if (await graph.Authorize(http, "ServiceHealth.Read.All") is not { } caller)
        {
            return;
        }

        var name = (string)http.Request.RouteValues["service"]!;
        if (Services(caller).FirstOrDefault(s => s.Equals(name, StringComparison.OrdinalIgnoreCase)) is not { } service)
        {
            await graph.Error(http, 404, "NotFound", $"Service '{name}' was not found for this tenant.");
            return;
        }

        await One(http, $"{Root}/healthOverviews", OverviewJson(TenantIssues(caller), service, http.Query("$expand") is { } e && e.Equals("issues", StringComparison.OrdinalIgnoreCase)));
    }

    private async Task Issues(HttpContext http)
    {
        if (await graph.Authorize(http, "ServiceHealth.Read.All") is { } caller && await GraphList.Filter(http, graph, IssueFilters, "microsoft.graph.serviceHealthIssue") is { } filter)
        {
            await GraphList.Write(http, graph, $"{Root}/issues", "microsoft.graph.serviceHealthIssue", TenantIssues(caller).Where(filter).Select(IssueJson).ToList());
        }
    }

    private async Task Issue(HttpContext http)
    {
        if (await graph.Authorize(http, "ServiceHealth.Read.All") is not { } caller)
        {
            return;
        }

        var id = (string)http.Request.RouteValues["id"]!;
        await (TenantIssues(caller).FirstOrDefault(i => i.Id.Equals(id, StringComparison.OrdinalIgnoreCase)) is { } issue
            ? One(http, $"{Root}/issues", IssueJson(issue))
            : graph.Error(http, 404, "NotFound", $"Issue '{id}' was not found for this tenant."));
    }

    private async Task MessagesList(HttpContext http)
    {
        if (await graph.Authorize(http, "ServiceMessage.Read.All") is { } caller && await GraphList.Filter(http, graph, MessageFilters, "microsoft.graph.serviceUpdateMessage") is { } filter)
        {
            await GraphList.Write(http, graph, $"{Root}/messages", "microsoft.graph.serviceUpdateMessage", TenantMessages(caller).Where(filter).Select(MessageJson).ToList());
        }
    }

    private async Task Message(HttpContext http)
    {
        if (await graph.Authorize(http, "ServiceMessage.Read.All") is not { } caller)
        {
            return;
        }

        var id = (string)http.Request.RouteValues["id"]!;
        await (TenantMessages(caller).FirstOrDefault(m => m.Id.Equals(id, StringComparison.OrdinalIgnoreCase)) is { } message
            ? One(http, $"{Root}/messages", MessageJson(message))
            : graph.Error(http, 404, "NotFound", $"Message '{id}' was not found for this tenant."));
    }

    private Task One(HttpContext http, string entitySet, JsonObject body)
    {
        body["@odata.context"] = graph.Context(http, entitySet) + "/$entity";
        return http.WriteJson(body);
    }

    private static HashSet<string> Services(ApiCaller caller)
    {
        lock (caller.Tenant.Content.Sync)
        {
            return ServiceHealthSeeder.ServicesOf(caller.Tenant.Content);
        }
    }

    private List<ServiceIssue> TenantIssues(ApiCaller caller) => IssuesOf(Services(caller));

    private List<ServiceIssue> IssuesOf(HashSet<string> services) => [.. _posts.Value.Issues.Where(i => services.Contains(i.Service))];

    private List<ServiceMessage> TenantMessages(ApiCaller caller)
    {
        var services = Services(caller);
        return _posts.Value.Messages.Where(m => m.Services.Any(services.Contains)).ToList();
    }

    private static JsonObject OverviewJson(List<ServiceIssue> tenantIssues, string service, bool expand)
    {
        var issues = tenantIssues.Where(i => i.Service == service).ToList();
        var open = issues.Where(i => !i.IsResolved).ToList();
        var json = new JsonObject
        {
            ["id"] = service,
            ["service"] = service,
            ["status"] = open.Any(i => i.Classification == "incident") ? "serviceDegradation" : open.Count > 0 ? "investigating" : "serviceOperational",
        };
        if (expand)
        {
            json["issues"] = new JsonArray([.. issues.Select(i => (JsonNode)IssueJson(i))]);
        }

        return json;
    }

    private static JsonObject IssueJson(ServiceIssue i) => new()
    {
        ["id"] = i.Id,
        ["title"] = i.Title,
        ["service"] = i.Service,
        ["feature"] = i.Feature,
        ["featureGroup"] = i.FeatureGroup,
        ["classification"] = i.Classification,
        ["status"] = i.Status,
        ["origin"] = "microsoft",
        ["isResolved"] = i.IsResolved,
        ["impactDescription"] = i.ImpactDescription,
        ["startDateTime"] = UserProperties.Date(i.StartDateTime),
        ["endDateTime"] = i.EndDateTime is { } end ? UserProperties.Date(end) : null,
        ["lastModifiedDateTime"] = UserProperties.Date(i.LastModifiedDateTime),
        ["details"] = new JsonArray(),
        ["posts"] = new JsonArray(new JsonObject
        {
            ["createdDateTime"] = UserProperties.Date(i.StartDateTime),
            ["postType"] = "regular",
            ["description"] = new JsonObject { ["contentType"] = "html", ["content"] = $"Title: {i.Title}\n\nUser impact: {i.ImpactDescription}" },
        }),
    };

    private static JsonObject MessageJson(ServiceMessage m) => new()
    {
        ["id"] = m.Id,
        ["title"] = m.Title,
        ["category"] = m.Category,
        ["severity"] = m.Severity,
        ["isMajorChange"] = m.IsMajorChange,
        ["services"] = new JsonArray([.. m.Services.Select(s => (JsonNode)s)]),
        ["tags"] = new JsonArray(m.IsMajorChange ? ["Admin impact"] : ["Feature update"]),
        ["startDateTime"] = UserProperties.Date(m.StartDateTime),
        ["endDateTime"] = UserProperties.Date(m.StartDateTime.AddDays(180)),
        ["lastModifiedDateTime"] = UserProperties.Date(m.StartDateTime),
        ["actionRequiredByDateTime"] = m.ActionRequiredByDateTime is { } by ? UserProperties.Date(by) : null,
        ["body"] = new JsonObject { ["contentType"] = "html", ["content"] = m.Body },
        ["details"] = new JsonArray(),
        ["viewPoint"] = null,
        ["hasAttachments"] = false,
    };
}
