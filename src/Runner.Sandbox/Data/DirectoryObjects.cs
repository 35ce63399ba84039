namespace Runner.Sandbox.Data;

/// <summary>
/// A tenant's identity objects beyond users: activated directory roles, groups, Conditional Access policies, the
/// security defaults switch and each user's MFA registration, as MSP scripts audit them.
/// </summary>
internal sealed class DirectoryObjects
{
    public static DirectoryObjects Empty => new() { Roles = [], Groups = [], Policies = [], SecurityDefaultsEnabled = true, Registrations = [] };

    public required List<DirectoryRole> Roles { get; init; }

    public required List<SandboxGroup> Groups { get; init; }

    public required List<ConditionalAccessPolicy> Policies { get; init; }

    /// <summary>Settable: PATCH identitySecurityDefaultsEnforcementPolicy switches it.</summary>
    public required bool SecurityDefaultsEnabled { get; set; }

    /// <summary>Conditional Access named locations (IP ranges and countries).</summary>
    public List<NamedLocation> NamedLocations { get; set; } = [];

    /// <summary>Authentication methods each user has registered (empty: not MFA-registered).</summary>
    public required Dictionary<Guid, string[]> Registrations { get; init; }
}

/// <summary>An activated directory role; the id differs per tenant, the template id is Microsoft's.</summary>
internal sealed record DirectoryRole(Guid Id, Guid RoleTemplateId, string DisplayName, string Description, List<Guid> MemberIds);

internal sealed record SandboxGroup(
    Guid Id,
    string DisplayName,
    string? Description,
    string MailNickname,
    bool IsMicrosoft365,
    DateTimeOffset CreatedDateTime,
    List<Guid> MemberIds)
{
    /// <summary>Owners, as set by "Create group" (owners@odata.bind); seeded groups have none.</summary>
    public List<Guid> OwnerIds { get; init; } = [];

    /// <summary>A Microsoft 365 group's visibility: Private unless created otherwise.</summary>
    public string? Visibility { get; init; }
}

/// <summary>A Conditional Access policy: who it targets (all users or directory role templates) and the grant controls.</summary>
internal sealed record ConditionalAccessPolicy(
    Guid Id,
    string DisplayName,
    string State,
    DateTimeOffset CreatedDateTime,
    string[] IncludeUsers,
    Guid[] IncludeRoles,
    string[] ClientAppTypes,
    string Operator,
    string[] BuiltInControls)
{
    public string[] ExcludeUsers { get; init; } = [];

    public string[] IncludeGroups { get; init; } = [];

    public string[] ExcludeGroups { get; init; } = [];

    public Guid[] ExcludeRoles { get; init; } = [];

    /// <summary>conditions.locations: named location ids, "All" or "AllTrusted"; empty when the policy has none.</summary>
    public string[] IncludeLocations { get; init; } = [];

    public string[] ExcludeLocations { get; init; } = [];

    public string[] IncludeApplications { get; init; } = ["All"];

    public DateTimeOffset? ModifiedDateTime { get; init; }
}
