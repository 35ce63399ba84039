using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Runner.Sandbox.Data;
using Runner.Sandbox.Graph;
using Runner.Sandbox.Identity;
using Runner.Sandbox.ResourceManager;

namespace Runner.Sandbox.Hosting;

/// <summary>
/// Refuses a partner admin's write in a customer tenant that the GDAP roles in force there do not allow, as Graph
/// and ARM do: 403 Authorization_RequestDenied ("Insufficient privileges to complete the operation.") from Graph,
/// 403 AuthorizationFailed from ARM. One table for every write endpoint, present and future, by method and path
/// ("GDAP API impact" and "Least privileged roles by task in Microsoft Entra ID" name the roles per operation).
/// Reads are left to the endpoints; writes in the partner's own tenant and app-only tokens are not GDAP's business.
/// </summary>
/// <remarks>
/// Azure RBAC in a CSP customer's subscriptions is not granted by GDAP roles in reality (the partner's admin agents
/// get it through the Admin Agents foreign principal or Azure Lighthouse). The sandbox ties it to GDAP so a test can
/// make an ARM write fail: ARM writes need a relationship in force with a role that is not read-only.
/// </remarks>
internal sealed partial class GdapWriteAuthorization(SandboxContext context, GraphApi graph)
{
    private static readonly string[] Admin = [GdapSeeder.GlobalAdministrator];

    /// <summary>Graph writes by path (after /v1.0 or /beta): the first matching row decides; anything else needs Global Administrator.</summary>
    private static readonly (Regex Path, string[] Roles)[] GraphRules =
    [
        (new Regex(@"^/users/[^/]+/assignLicense$", RegexOptions.IgnoreCase), [GdapSeeder.LicenseAdministrator, GdapSeeder.UserAdministrator, GdapSeeder.GlobalAdministrator]),
        (new Regex(@"^/users/[^/]+/revokeSignInSessions$", RegexOptions.IgnoreCase), [GdapSeeder.HelpdeskAdministrator, GdapSeeder.UserAdministrator, GdapSeeder.GlobalAdministrator]),
        (new Regex(@"^/users/[^/]+/manager/\$ref$", RegexOptions.IgnoreCase), [GdapSeeder.UserAdministrator, GdapSeeder.GlobalAdministrator]),
        (new Regex(@"^/users(/[^/]+)?$", RegexOptions.IgnoreCase), [GdapSeeder.UserAdministrator, GdapSeeder.GlobalAdministrator]),
        (new Regex(@"^/directory/deletedItems/[^/]+(/restore)?$", RegexOptions.IgnoreCase), [GdapSeeder.UserAdministrator, GdapSeeder.GlobalAdministrator]),
        (new Regex(@"^/invitations$", RegexOptions.IgnoreCase), ["95e79109-95c0-4d8e-aee3-d01accf2d47b" /* Guest Inviter */, GdapSeeder.UserAdministrator, GdapSeeder.GlobalAdministrator]),
        (new Regex(@"^/devices(/.*)?$", RegexOptions.IgnoreCase), [GdapSeeder.CloudDeviceAdministrator, GdapSeeder.IntuneAdministrator, GdapSeeder.GlobalAdministrator]),
        (new Regex(@"^/groups(/.*)?$", RegexOptions.IgnoreCase), [GdapSeeder.GroupsAdministrator, GdapSeeder.UserAdministrator, GdapSeeder.GlobalAdministrator]),
        (new Regex(@"^/directoryRoles(/.*)?$|^/roleManagement/.*$", RegexOptions.IgnoreCase), [GdapSeeder.PrivilegedRoleAdministrator, GdapSeeder.GlobalAdministrator]),
        (new Regex(@"^/identity/conditionalAccess/.*$", RegexOptions.IgnoreCase), [GdapSeeder.ConditionalAccessAdministrator, GdapSeeder.SecurityAdministrator, GdapSeeder.GlobalAdministrator]),
        (new Regex(@"^/security/(alerts_v2|incidents)/[^/]+$", RegexOptions.IgnoreCase), [GdapSeeder.SecurityAdministrator, "5f2222b1-57c3-48ba-8ad5-d4759f1fde6f" /* Security Operator */, GdapSeeder.GlobalAdministrator]),
        (new Regex(@"^/policies/authorizationPolicy$", RegexOptions.IgnoreCase), [GdapSeeder.PrivilegedRoleAdministrator, GdapSeeder.GlobalAdministrator]),
        (new Regex(@"^/policies/identitySecurityDefaultsEnforcementPolicy$", RegexOptions.IgnoreCase), [GdapSeeder.SecurityAdministrator, GdapSeeder.ConditionalAccessAdministrator, GdapSeeder.GlobalAdministrator]),
    ];

    private static readonly HashSet<string> ReadOnlyRoles = new(StringComparer.OrdinalIgnoreCase)
    {
        GdapSeeder.DirectoryReaders, GdapSeeder.GlobalReader, GdapSeeder.SecurityReader, GdapSeeder.ReportsReader,
    };

    public async Task Invoke(HttpContext http, Func<Task> next)
    {
        var method = http.Request.Method;
        var api = ApiClassifier.Api(http.Request.Path);
        if (api is not ("graph" or "arm") || HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method))
        {
            await next();
            return;
        }

        var check = context.Validator.Validate(http, api == "graph" ? KnownResources.Graph : KnownResources.ResourceManager);
        if (check.Caller is not { User: { } user } caller || user.TenantId == caller.Tenant.Id)
        {
            await next();
            return;
        }

        var granted = context.Directory.GrantedRoles(caller.Tenant.Id, context.Clock.GetUtcNow());
        var path = http.Request.Path.Value ?? "";
        var relative = GraphVersion().Replace(path, "");
        if (api == "graph" && relative.Equals("/$batch", StringComparison.OrdinalIgnoreCase))
        {
            // A batch is a POST but not a write: each of its requests comes back through here on its own.
            await next();
            return;
        }

        if (api == "graph")
        {
            var needed = GraphRules.FirstOrDefault(r => r.Path.IsMatch(relative)).Roles ?? Admin;
            if (!needed.Any(granted.Contains))
            {
                await graph.Error(http, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
                return;
            }
        }
        else if (!granted.Any(r => !ReadOnlyRoles.Contains(r)))
        {
            await ArmJson.Error(http, 403, "AuthorizationFailed",
                $"The client '{user.UserPrincipalName}' with object id '{user.Id}' does not have authorization to perform action '{Action(method, path)}' over scope '{path}' or the scope is invalid. If access was recently granted, please refresh your credentials.");
            return;
        }

        await next();
    }

    /// <summary>ARM's action name, e.g. Microsoft.Resources/tags/write, as near as the path tells it.</summary>
    private static string Action(string method, string path)
    {
        var verb = HttpMethods.IsDelete(method) ? "delete" : "write";
        var provider = ArmProvider().Match(path);
        return provider.Success ? $"{provider.Groups[1].Value}/{provider.Groups[2].Value}/{verb}" : $"Microsoft.Resources/subscriptions/resourceGroups/{verb}";
    }

    [GeneratedRegex(@"^/(v1\.0|beta)", RegexOptions.IgnoreCase)]
    private static partial Regex GraphVersion();

    [GeneratedRegex(@"/providers/([^/]+)/([^/?]+)", RegexOptions.IgnoreCase)]
    private static partial Regex ArmProvider();
}
