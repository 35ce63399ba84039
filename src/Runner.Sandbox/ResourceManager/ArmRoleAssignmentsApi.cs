using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.ResourceManager;

/// <summary>
/// Azure RBAC role assignments at subscription and resource group scope ("Role Assignments - Create", "- Get",
/// "- Delete", "- List For Scope"): created with PUT under a GUID name, listed at the scope with $filter=atScope()
/// or principalId eq '{id}'. Refusals follow "Troubleshoot Azure RBAC": a name that is not a GUID, an unknown role
/// definition or principal, and the same principal, role and scope assigned twice (409 RoleAssignmentExists).
/// </summary>
internal sealed class ArmRoleAssignmentsApi(ArmAccess access)
{
    private const string Provider = "providers/Microsoft.Authorization/roleAssignments";

    /// <summary>Built-in role definitions scripts assign most (ids are the same in every tenant).</summary>
    private static readonly Dictionary<Guid, string> BuiltInRoles = new()
    {
        [Guid.Parse("8e3af657-a8ff-443c-a75c-2fe8c4bcb635")] = "Owner",
        [Guid.Parse("b24988ac-6180-42a0-ab88-20f7382dd24c")] = "Contributor",
        [Guid.Parse("acdd72a7-3385-48ef-bd42-f606fba81ae7")] = "Reader",
        [Guid.Parse("18d7d88d-d35e-4fb5-a5c3-7773c4a72d9d")] = "User Access Administrator",
    };

    /// <summary>Assignments by full id (lower case), across all tenants; scopes carry the subscription id.</summary>
    private readonly ConcurrentDictionary<string, JsonObject> _assignments = new(StringComparer.OrdinalIgnoreCase);

    public void Map(IEndpointRouteBuilder routes)
    {
        foreach (var scope in new[] { "/subscriptions/{subscriptionId}", "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroup}" })
        {
            routes.MapGet($"{scope}/{Provider}", (RequestDelegate)List);
            routes.MapMethods($"{scope}/{Provider}/{{name}}", ["GET", "PUT", "DELETE"], (RequestDelegate)One);
        }
    }

    private async Task List(HttpContext http)
    {
        if (await Scope(http) is not { } scope)
        {
            return;
        }

        // "List For Scope": atScope() keeps assignments at the scope and above; principalId eq narrows to one principal.
        var filter = http.Query("$filter") ?? "";
        string? principal = null;
        if (filter.StartsWith("principalId eq '", StringComparison.OrdinalIgnoreCase) && filter.EndsWith('\''))
        {
            principal = filter[16..^1];
        }
        else if (filter.Length > 0 && !filter.Equals("atScope()", StringComparison.OrdinalIgnoreCase))
        {
            await ArmJson.Error(http, 400, "InvalidFilterInQueryString", $"The filter '{filter}' is not supported. Use atScope() or principalId eq '{{objectId}}'.");
            return;
        }

        var atScopeOnly = filter.Equals("atScope()", StringComparison.OrdinalIgnoreCase);
        var visible = _assignments.Values
            .Select(a => (Assignment: a, Scope: (string)a["properties"]!["scope"]!))
            .Where(a => atScopeOnly
                ? scope.StartsWith(a.Scope, StringComparison.OrdinalIgnoreCase)
                : scope.StartsWith(a.Scope, StringComparison.OrdinalIgnoreCase) || a.Scope.StartsWith(scope + "/", StringComparison.OrdinalIgnoreCase))
            .Where(a => principal is null || string.Equals((string?)a.Assignment["properties"]!["principalId"], principal, StringComparison.OrdinalIgnoreCase))
            .OrderBy(a => (string)a.Assignment["id"]!, StringComparer.Ordinal)
            .Select(a => (JsonNode)a.Assignment.DeepClone())
            .ToList();
        await access.WritePage(http, visible, pageSize: 100);
    }

    private async Task One(HttpContext http)
    {
        if (await Scope(http) is not { } scope)
        {
            return;
        }

        var name = (string)http.Request.RouteValues["name"]!;
        var id = $"{scope}/{Provider}/{name}";
        switch (http.Request.Method)
        {
            case "GET":
                await (_assignments.TryGetValue(id, out var found)
                    ? http.WriteJson(found.DeepClone())
                    : NotFound(http));
                break;
            case "DELETE":
                if (_assignments.TryRemove(id, out var removed))
                {
                    await http.WriteJson(removed);
                }
                else
                {
                    http.Response.StatusCode = 204;
                }

                break;
            default:
                await Create(http, scope, name, id);
                break;
        }
    }

    private async Task Create(HttpContext http, string scope, string name, string id)
    {
        if (!Guid.TryParse(name, out _))
        {
            await ArmJson.Error(http, 400, "InvalidRoleAssignmentId", $"The role assignment ID '{name}' is not valid. The role assignment ID must be a GUID.");
            return;
        }

        string? roleDefinitionId = null, principalId = null, principalType = null;
        try
        {
            var properties = (await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted))?["properties"];
            roleDefinitionId = (string?)properties?["roleDefinitionId"];
            principalId = (string?)properties?["principalId"];
            principalType = (string?)properties?["principalType"];
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
        }

        if (roleDefinitionId is null || principalId is null)
        {
            await ArmJson.Error(http, 400, "InvalidRequestContent", "The request content was invalid and could not be deserialized: properties.roleDefinitionId and properties.principalId are required.");
            return;
        }

        var roleGuid = roleDefinitionId.TrimEnd('/').Split('/')[^1];
        if (!Guid.TryParse(roleGuid, out var role) || !BuiltInRoles.ContainsKey(role))
        {
            await ArmJson.Error(http, 400, "RoleDefinitionDoesNotExist", $"The specified role definition with ID '{roleGuid}' does not exist.");
            return;
        }

        var tenant = (SandboxTenant)http.Items[nameof(SandboxTenant)]!;
        var known = Guid.TryParse(principalId, out var principal);
        lock (tenant.Content.Sync)
        {
            known = known && tenant.Content.Users.Any(u => u.Id == principal);
        }

        if (!known)
        {
            await ArmJson.Error(http, 400, "PrincipalNotFound", $"Principal {principalId.Replace("-", "", StringComparison.Ordinal)} does not exist in the directory {tenant.Id}. Check that you have the correct principal ID.");
            return;
        }

        var subscription = scope.Split('/')[2];
        var now = access.Context.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", System.Globalization.CultureInfo.InvariantCulture);
        var assignment = new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["roleDefinitionId"] = $"/subscriptions/{subscription}/providers/Microsoft.Authorization/roleDefinitions/{role}",
                ["principalId"] = principal.ToString(),
                ["principalType"] = principalType ?? "User",
                ["scope"] = scope,
                ["condition"] = null,
                ["conditionVersion"] = null,
                ["createdOn"] = now,
                ["updatedOn"] = now,
                ["createdBy"] = null,
                ["updatedBy"] = null,
                ["delegatedManagedIdentityResourceId"] = null,
                ["description"] = null,
            },
            ["id"] = id,
            ["type"] = "Microsoft.Authorization/roleAssignments",
            ["name"] = name,
        };

        lock (_assignments)
        {
            var duplicate = _assignments.Values.Any(a =>
                !string.Equals((string)a["id"]!, id, StringComparison.OrdinalIgnoreCase) &&
                string.Equals((string)a["properties"]!["scope"]!, scope, StringComparison.OrdinalIgnoreCase) &&
                (string)a["properties"]!["principalId"]! == principal.ToString() &&
                ((string)a["properties"]!["roleDefinitionId"]!).EndsWith(role.ToString(), StringComparison.OrdinalIgnoreCase));
            if (!duplicate)
            {
                _assignments[id] = assignment;
            }
            else
            {
                assignment = null;
            }
        }

        await (assignment is null
            ? ArmJson.Error(http, 409, "RoleAssignmentExists", "The role assignment already exists.")
            : http.WriteJson(assignment.DeepClone(), 201));
    }

    /// <summary>The assignment scope (subscription, or resource group as ARM spells it), or null after an error.</summary>
    private async Task<string?> Scope(HttpContext http)
    {
        if (await access.FindSubscription(http) is not ({ } subscription, { } tenant))
        {
            return null;
        }

        http.Items[nameof(SandboxTenant)] = tenant;
        var scope = $"/subscriptions/{subscription.SubscriptionId}";
        if (http.Request.RouteValues.ContainsKey("resourceGroup"))
        {
            if (await ArmAccess.FindGroup(http, subscription, tenant) is not { } group)
            {
                return null;
            }

            scope += $"/resourceGroups/{group.Name}";
        }

        return scope;
    }

    private static Task NotFound(HttpContext http) =>
        ArmJson.Error(http, 404, "RoleAssignmentNotFound", "The role assignment does not exist.");
}
