using System.Security.Claims;
using Runner.Configuration;

namespace Runner.Web.Access;

/// <summary>
/// Maps a signed-in user to a role from runner.yaml's web.roles: entries are user names (preferred_username),
/// group:OBJECT-ID (the id_token's groups claim) or role:NAME (its app roles claim).
/// </summary>
internal static class ConsoleRoles
{
    /// <summary>The claim the console's own authentication puts the resolved role in.</summary>
    public const string RoleClaim = "runner_role";

    public static ConsoleRole Resolve(ClaimsPrincipal user, WebSettings web)
    {
        if (Matches(user, web.Operators))
        {
            return ConsoleRole.Operator;
        }

        return Matches(user, web.Viewers) ? ConsoleRole.Viewer : ConsoleRole.None;
    }

    public static ConsoleRole Of(ClaimsPrincipal user) =>
        Enum.TryParse<ConsoleRole>(user.FindFirst(RoleClaim)?.Value, out var role) ? role : ConsoleRole.None;

    public static string DisplayName(ClaimsPrincipal user) =>
        user.FindFirst("preferred_username")?.Value ?? user.FindFirst("name")?.Value ?? user.Identity?.Name ?? "anonymous";

    private static bool Matches(ClaimsPrincipal user, IReadOnlyList<string> entries)
    {
        var name = user.FindFirst("preferred_username")?.Value ?? user.Identity?.Name;
        foreach (var entry in entries)
        {
            var matched = entry switch
            {
                _ when entry.StartsWith("role:", StringComparison.OrdinalIgnoreCase) =>
                    user.Claims.Any(c => c.Type is "roles" or ClaimTypes.Role && string.Equals(c.Value, entry[5..], StringComparison.Ordinal)),
                _ when entry.StartsWith("group:", StringComparison.OrdinalIgnoreCase) =>
                    user.Claims.Any(c => c.Type == "groups" && string.Equals(c.Value, entry[6..], StringComparison.OrdinalIgnoreCase)),
                _ => name is not null && string.Equals(name, entry, StringComparison.OrdinalIgnoreCase),
            };
            if (matched)
            {
                return true;
            }
        }

        return false;
    }
}
