using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// POST /users/{id}/assignLicense ("user: assignLicense"): adds and removes licences in one request, all or nothing.
/// Refused as Graph refuses: a SKU the tenant does not own, a user without a usage location, a SKU with no free
/// units left (subscribedSkus' prepaidUnits.enabled against consumedUnits).
/// </summary>
internal sealed class AssignLicenseApi(GraphApi graph)
{
    private static readonly string[] Write = ["LicenseAssignment.ReadWrite.All", "User.ReadWrite.All", "Directory.ReadWrite.All"];

    public void Map(IEndpointRouteBuilder routes) => routes.MapPost("/v1.0/users/{id}/assignLicense", (RequestDelegate)Assign);

    private async Task Assign(HttpContext http)
    {
        if (await graph.Authorize(http, Write) is not { } caller)
        {
            return;
        }

        if (await ReadBody(http) is not var (add, remove))
        {
            await graph.Error(http, 400, "Request_BadRequest", "Invalid request body: addLicenses and removeLicenses are required collections of licences and skuIds.");
            return;
        }

        var id = (string)http.Request.RouteValues["id"]!;
        var content = caller.Tenant.Content;
        string? error;
        SandboxUser? user;
        lock (content.Sync)
        {
            user = UserProperties.Find(content, id);
            error = user is null ? null : Check(content, user, add, remove);
            if (user is not null && error is null)
            {
                user.AssignedSkuIds.RemoveAll(remove.Contains);
                user.AssignedSkuIds.AddRange(add.Where(s => !user.AssignedSkuIds.Contains(s)));
            }
        }

        if (user is null)
        {
            await GraphObjects.NotFound(http, graph, id);
        }
        else if (error is not null)
        {
            await graph.Error(http, 400, "Request_BadRequest", error);
        }
        else
        {
            graph.Audit(http, caller, "Change user license", "UserManagement", "Update", AuditTarget.Of(user,
                new AuditChange("AssignedLicense", null, $"[{string.Join(',', user.AssignedSkuIds.Select(s => $"\"{s}\""))}]")));
            var json = new JsonObject { ["@odata.context"] = graph.Context(http, "users") + "/$entity" };
            foreach (var (key, value) in UserProperties.Project(user, UserProperties.Default))
            {
                json[key] = value?.DeepClone();
            }

            await http.WriteJson(json);
        }
    }

    /// <summary>Why the change is refused, or null. Messages are the ones Graph returns for these cases.</summary>
    private static string? Check(TenantContent content, SandboxUser user, List<Guid> add, List<Guid> remove)
    {
        var owned = content.PartnerSubscriptions.GroupBy(s => s.Product.SkuId)
            .ToDictionary(g => g.Key, g => g.Where(s => s.Status == "active").Sum(s => s.Quantity));
        if (add.Concat(remove).FirstOrDefault(s => !owned.ContainsKey(s)) is var unknown && unknown != Guid.Empty)
        {
            return $"License {unknown} does not correspond to a valid company License.";
        }

        if (add.Count > 0 && string.IsNullOrEmpty(user.UsageLocation))
        {
            return "License assignment cannot be done for user with invalid usage location.";
        }

        foreach (var sku in add.Where(s => !user.AssignedSkuIds.Contains(s)))
        {
            if (content.Users.Count(u => u.AssignedSkuIds.Contains(sku)) >= owned[sku])
            {
                return $"Subscription {sku} does not have any licenses available.";
            }
        }

        return null;
    }

    private static async Task<(List<Guid> Add, List<Guid> Remove)?> ReadBody(HttpContext http)
    {
        try
        {
            var body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
            if (body?["addLicenses"] is not JsonArray addArray || body["removeLicenses"] is not JsonArray removeArray)
            {
                return null;
            }

            var add = addArray.Select(l => Guid.Parse(l!["skuId"]!.GetValue<string>())).ToList();
            var remove = removeArray.Select(s => Guid.Parse(s!.GetValue<string>())).ToList();
            return (add, remove);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NullReferenceException)
        {
            return null;
        }
    }
}
