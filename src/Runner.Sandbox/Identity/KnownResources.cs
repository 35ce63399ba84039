namespace Runner.Sandbox.Identity;

/// <summary>The resource applications the sandbox's Entra ID can issue tokens for, as the cloud names them.</summary>
internal static class KnownResources
{
    public const string Graph = "https://graph.microsoft.com";
    public const string ResourceManager = "https://management.azure.com";
    public const string PartnerCenter = "https://api.partnercenter.microsoft.com";
    public const string KeyVault = "https://vault.azure.net";

    private static readonly Dictionary<string, (string Audience, string[] DefaultPermissions)> Resources =
        new(StringComparer.OrdinalIgnoreCase)
        {
            [Graph] = (Graph, ["Directory.Read.All", "User.Read.All", "Organization.Read.All", "AuditLog.Read.All", "DelegatedAdminRelationship.Read.All", "Domain.Read.All", "Policy.Read.All", "SecurityEvents.Read.All", "UserAuthenticationMethod.Read.All", "DeviceManagementManagedDevices.Read.All", "Directory.AccessAsUser.All", "Group.ReadWrite.All", "GroupMember.ReadWrite.All", "LicenseAssignment.ReadWrite.All", "User.ReadWrite.All", "Reports.Read.All", "ReportSettings.ReadWrite.All", "ServiceHealth.Read.All", "ServiceMessage.Read.All", "Policy.ReadWrite.Authorization", "Policy.ReadWrite.ConditionalAccess", "Policy.ReadWrite.SecurityDefaults", "SecurityAlert.ReadWrite.All", "SecurityIncident.Read.All"]),
            ["00000003-0000-0000-c000-000000000000"] = (Graph, ["Directory.Read.All", "User.Read.All"]),
            [ResourceManager] = (ResourceManager, ["user_impersonation"]),
            ["https://management.core.windows.net"] = (ResourceManager, ["user_impersonation"]),
            [PartnerCenter] = (PartnerCenter, ["user_impersonation"]),
            ["fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd"] = (PartnerCenter, ["user_impersonation"]),
            [KeyVault] = (KeyVault, ["user_impersonation"]),
            ["https://outlook.office365.com"] = ("https://outlook.office365.com", ["Exchange.Manage"]),
            ["https://api.securitycenter.microsoft.com"] = ("https://api.securitycenter.microsoft.com", ["Machine.Read"]),
            ["https://graph.windows.net"] = ("https://graph.windows.net", ["Directory.Read.All"]),
        };

    private static readonly HashSet<string> OidcScopes = new(StringComparer.OrdinalIgnoreCase) { "openid", "profile", "offline_access", "email" };

    /// <summary>Splits a scope parameter into its resource and permissions, as Entra's v2 endpoint does.</summary>
    public static ScopeRequest Parse(string? scope)
    {
        var resources = new List<(string Resource, string Permission)>();
        var oidc = new List<string>();
        foreach (var item in (scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (OidcScopes.Contains(item))
            {
                oidc.Add(item.ToLowerInvariant());
                continue;
            }

            var slash = item.LastIndexOf('/');
            if (slash <= 0 || !item.Contains("://", StringComparison.Ordinal) && !Guid.TryParse(item[..slash], out _))
            {
                // A bare permission ("User.Read") means Microsoft Graph.
                resources.Add((Graph, item));
                continue;
            }

            resources.Add((item[..slash].TrimEnd('/'), item[(slash + 1)..]));
        }

        return new ScopeRequest(resources, oidc);
    }

    public static bool TryResolve(string resource, out string audience, out string[] defaultPermissions)
    {
        if (Resources.TryGetValue(resource.TrimEnd('/'), out var known))
        {
            audience = known.Audience;
            defaultPermissions = known.DefaultPermissions;
            return true;
        }

        audience = "";
        defaultPermissions = [];
        return false;
    }

    /// <summary>Whether a token's audience claim names <paramref name="resource"/> (with or without the trailing slash).</summary>
    public static bool AudienceMatches(string? audience, string resource) =>
        audience is not null && string.Equals(audience.TrimEnd('/'), resource, StringComparison.OrdinalIgnoreCase);
}

internal sealed record ScopeRequest(List<(string Resource, string Permission)> Resources, List<string> OidcScopes)
{
    public bool WantsRefreshToken => OidcScopes.Contains("offline_access");
}
