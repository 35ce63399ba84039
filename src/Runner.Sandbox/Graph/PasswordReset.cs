using System.Text.Json.Nodes;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// A password reset through "Update user" (PATCH /users/{id} with passwordProfile), checked as Graph checks it: the
/// password meets Entra's complexity; a signed-in admin needs Directory.AccessAsUser.All or
/// User-PasswordProfile.ReadWrite.All (an app User-PasswordProfile.ReadWrite.All or User.ReadWrite.All); and,
/// per "Who can reset passwords", a user who holds a directory role can only be reset by a Privileged Authentication
/// Administrator or Global Administrator, anyone else also by Helpdesk, User or Authentication Administrator. After
/// it the user's refresh tokens issued before are refused, as after any password change.
/// </summary>
internal static class PasswordReset
{
    private static readonly string[] Delegated = ["Directory.AccessAsUser.All", "User-PasswordProfile.ReadWrite.All"];
    private static readonly string[] AppOnly = ["User-PasswordProfile.ReadWrite.All", "User.ReadWrite.All"];
    private static readonly string[] AnyUser = [GdapSeeder.PrivilegedAuthenticationAdministrator, GdapSeeder.GlobalAdministrator];
    private static readonly string[] NonAdmins = [.. AnyUser, GdapSeeder.HelpdeskAdministrator, GdapSeeder.UserAdministrator, GdapSeeder.AuthenticationAdministrator];

    /// <summary>Whether the body resets the password, and the refusal when it may not (forceChangePasswordNextSignIn is
    /// accepted; the sandbox has no sign-in prompt to apply it to).</summary>
    public static (bool Requested, GraphRefusal? Refusal) Read(JsonObject body, ApiCaller caller)
    {
        var profile = body.FirstOrDefault(p => p.Key.Equals("passwordProfile", StringComparison.OrdinalIgnoreCase)).Value;
        if (profile is null)
        {
            return (false, null);
        }

        if (!(caller.IsApp ? AppOnly : Delegated).Any(caller.Permissions.Contains))
        {
            return (true, new GraphRefusal(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."));
        }

        var fields = profile as JsonObject;
        var password = fields?["password"] is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;
        if (password is null)
        {
            return (true, UserChanges.InvalidValue("passwordProfile"));
        }

        if (!UserChanges.IsComplexEnough(password))
        {
            return (true, UserChanges.WeakPassword());
        }

        return (true, null);
    }

    /// <summary>Whether the caller's roles let it reset this user's password (call under the content lock).</summary>
    public static bool Allowed(GraphApi graph, ApiCaller caller, TenantContent content, SandboxUser user) =>
        graph.HasRole(caller, content.Directory.Roles.Any(r => r.MemberIds.Contains(user.Id)) ? AnyUser : NonAdmins);
}
