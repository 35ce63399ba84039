using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// GET and PATCH /policies/authorizationPolicy ("Get authorizationPolicy", "Update authorizationPolicy"): whether users
/// may consent to apps (defaultUserRolePermissions.permissionGrantPoliciesAssigned), register apps, create security
/// groups, read other users, who may invite guests and what guests see. Reading needs Policy.Read.All; changing it
/// Policy.ReadWrite.Authorization and, through GDAP, Privileged Role or Global Administrator (the write table). A
/// property the sandbox does not keep is refused 400 rather than ignored, so a job cannot believe it set it.
/// </summary>
internal sealed class AuthorizationPolicyApi(SandboxContext context, GraphApi graph)
{
    private const string Path = "/v1.0/policies/authorizationPolicy";

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, (RequestDelegate)Get);
        routes.MapMethods(Path, ["PATCH"], (RequestDelegate)Update);
    }

    private async Task Get(HttpContext http)
    {
        if (await graph.Authorize(http, "Policy.Read.All", "Policy.ReadWrite.Authorization") is not { } caller)
        {
            return;
        }

        JsonObject json;
        lock (caller.Tenant.Content.Sync)
        {
            json = Json(caller.Tenant.Content.Authorization);
        }

        json["@odata.context"] = context.Url("/v1.0/$metadata#policies/authorizationPolicy/$entity");
        await http.WriteJson(json);
    }

    private async Task Update(HttpContext http)
    {
        if (await graph.Authorize(http, "Policy.ReadWrite.Authorization") is not { } caller || await GraphObjects.Body(http, graph) is not { } body)
        {
            return;
        }

        var changes = new List<Action<AuthorizationSettings>>();
        try
        {
            foreach (var (name, value) in body.Where(p => !p.Key.StartsWith('@')))
            {
                changes.AddRange(name switch
                {
                    "allowInvitesFrom" => [Set(Text(value, "everyone", "adminsAndGuestInviters", "adminsGuestInvitersAndAllMembers", "none"), (s, v) => s.AllowInvitesFrom = v)],
                    "guestUserRoleId" => [Set(Text(value, AuthorizationSettings.GuestUser, AuthorizationSettings.RestrictedGuest, "a0b1b346-4d3e-4e8b-98f8-753987be4970"), (s, v) => s.GuestUserRoleId = v)],
                    "allowedToUseSSPR" => [Set(value!.GetValue<bool>(), (s, v) => s.AllowedToUseSspr = v)],
                    "blockMsolPowerShell" => [Set(value!.GetValue<bool>(), (s, v) => s.BlockMsolPowerShell = v)],
                    "defaultUserRolePermissions" => DefaultUserRole(value as JsonObject ?? throw new FormatException(name)),
                    _ => throw new FormatException(name),
                });
            }
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or NullReferenceException or JsonException)
        {
            await graph.Error(http, 400, "Request_BadRequest", $"Invalid value or property '{e.Message}' for authorizationPolicy. The sandbox keeps the properties {SandboxDocs.Page} lists.");
            return;
        }

        lock (caller.Tenant.Content.Sync)
        {
            changes.ForEach(change => change(caller.Tenant.Content.Authorization));
        }

        graph.Audit(http, caller, "Update authorization policy", "Policy", "Update",
            new AuditTarget("Policy", Guid.Empty, "Authorization Policy", null, DirectoryAudits.Changes(body)));
        await GraphObjects.NoContent(http);
    }

    private static List<Action<AuthorizationSettings>> DefaultUserRole(JsonObject permissions) =>
        [.. permissions.Where(p => !p.Key.StartsWith('@')).Select(p => p.Key switch
        {
            "allowedToCreateApps" => Set(p.Value!.GetValue<bool>(), (s, v) => s.AllowedToCreateApps = v),
            "allowedToCreateSecurityGroups" => Set(p.Value!.GetValue<bool>(), (s, v) => s.AllowedToCreateSecurityGroups = v),
            "allowedToReadOtherUsers" => Set(p.Value!.GetValue<bool>(), (s, v) => s.AllowedToReadOtherUsers = v),
            "permissionGrantPoliciesAssigned" => Set(Grants(p.Value as JsonArray ?? throw new FormatException(p.Key)), (s, v) => s.PermissionGrantPoliciesAssigned = v),
            _ => throw new FormatException($"defaultUserRolePermissions/{p.Key}"),
        })];

    /// <summary>A change whose value is read and checked now, before anything is applied.</summary>
    private static Action<AuthorizationSettings> Set<T>(T value, Action<AuthorizationSettings, T> apply) => s => apply(s, value);

    private static List<string> Grants(JsonArray values) =>
        values.Select(v => v!.GetValue<string>()).ToList() is var policies && policies.All(p => p.StartsWith("ManagePermissionGrantsForSelf.", StringComparison.Ordinal))
            ? policies
            : throw new FormatException("permissionGrantPoliciesAssigned");

    private static string Text(JsonNode? value, params string[] allowed) =>
        value?.GetValue<string>() is { } text && allowed.Contains(text) ? text : throw new FormatException(value?.ToJsonString() ?? "null");

    private static JsonObject Json(AuthorizationSettings s) => new()
    {
        ["id"] = "authorizationPolicy",
        ["displayName"] = "Authorization Policy",
        ["description"] = "Used to manage authorization related settings across the company.",
        ["allowInvitesFrom"] = s.AllowInvitesFrom,
        ["allowedToSignUpEmailBasedSubscriptions"] = true,
        ["allowedToUseSSPR"] = s.AllowedToUseSspr,
        ["allowEmailVerifiedUsersToJoinOrganization"] = false,
        ["allowUserConsentForRiskyApps"] = null,
        ["blockMsolPowerShell"] = s.BlockMsolPowerShell,
        ["guestUserRoleId"] = s.GuestUserRoleId,
        ["defaultUserRolePermissions"] = new JsonObject
        {
            ["allowedToCreateApps"] = s.AllowedToCreateApps,
            ["allowedToCreateSecurityGroups"] = s.AllowedToCreateSecurityGroups,
            ["allowedToCreateTenants"] = true,
            ["allowedToReadBitlockerKeysForOwnedDevice"] = true,
            ["allowedToReadOtherUsers"] = s.AllowedToReadOtherUsers,
            ["permissionGrantPoliciesAssigned"] = new JsonArray([.. s.PermissionGrantPoliciesAssigned.Select(p => (JsonNode)p)]),
        },
    };
}
