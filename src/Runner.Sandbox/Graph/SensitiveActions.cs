using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// "Who can perform sensitive actions" (Graph's users resource): deleting or restoring a user who holds a directory
/// role. A User Administrator may act on users without a role and on holders of the limited roles the page lists
/// with it (User, Helpdesk and Password Administrator, Directory Readers, Reports Reader, Guest Inviter); a holder
/// of any other role (Global Administrator, Global Reader, Exchange Administrator, ...) only a Privileged
/// Authentication or Global Administrator. Through GDAP the partner's roles in the tenant are what count.
/// </summary>
internal static class SensitiveActions
{
    private static readonly HashSet<Guid> Limited =
    [
        Guid.Parse(GdapSeeder.UserAdministrator), Guid.Parse(GdapSeeder.HelpdeskAdministrator), Guid.Parse(GdapSeeder.DirectoryReaders),
        Guid.Parse(GdapSeeder.ReportsReader),
        Guid.Parse("966707d0-3269-4727-9be2-8c3a10f19b9d"), // Password Administrator
        Guid.Parse("95e79109-95c0-4d8e-aee3-d01accf2d47b"), // Guest Inviter
    ];

    private static readonly string[] AnyUser = [GdapSeeder.PrivilegedAuthenticationAdministrator, GdapSeeder.GlobalAdministrator];

    private static readonly string[] LimitedUsers = [.. AnyUser, GdapSeeder.UserAdministrator];

    /// <summary>Whether the caller may delete or restore a user holding the roles with these template ids.</summary>
    public static bool MayDeleteOrRestore(GraphApi graph, ApiCaller caller, IEnumerable<Guid> roleTemplates) =>
        graph.HasRole(caller, roleTemplates.All(Limited.Contains) ? LimitedUsers : AnyUser);

    /// <summary>The role template ids of the roles with these (per-tenant) ids (call under the content lock).</summary>
    public static IEnumerable<Guid> Templates(TenantContent content, IEnumerable<Guid> roleIds) =>
        content.Directory.Roles.Where(r => roleIds.Contains(r.Id)).Select(r => r.RoleTemplateId).ToList();
}
