namespace Runner.Tenants;

/// <summary>A customer tenant a job runs in (the <c>Tenant</c> global), or the partner's own for partner-level jobs.</summary>
public sealed record CustomerTenant
{
    /// <summary>The tenant id (directory id).</summary>
    public required Guid Id { get; init; }

    /// <summary>The default domain, usually name.onmicrosoft.com.</summary>
    public required string Domain { get; init; }

    /// <summary>The company name as Partner Center knows it.</summary>
    public required string CompanyName { get; init; }

    /// <summary>The Partner Center customer id (for CSP customers, the same as <see cref="Id"/>).</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The partner's GDAP access to this tenant, when known.</summary>
    public GdapAccess Gdap { get; init; } = GdapAccess.Unknown;

    /// <summary>True when this is the partner's own tenant (a partner-level job).</summary>
    public bool IsPartner { get; init; }

    public override string ToString() => $"{CompanyName} ({Domain})";
}

/// <summary>The state of the partner's delegated admin (GDAP) access to a customer.</summary>
/// <param name="Status">active, expired, terminated, none (no relationship) or unknown (could not be read).</param>
/// <param name="EndDateTime">When the active relationship ends.</param>
/// <param name="RelationshipName">The relationship's display name.</param>
public sealed record GdapAccess(string Status, DateTimeOffset? EndDateTime, string? RelationshipName)
{
    public static readonly GdapAccess Unknown = new("unknown", null, null);

    public static readonly GdapAccess None = new("none", null, null);

    /// <summary>Tenants run unless GDAP is known to be missing or over.</summary>
    public bool AllowsAccess => Status is "active" or "unknown";
}
