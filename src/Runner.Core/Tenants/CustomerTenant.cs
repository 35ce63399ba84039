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

/// <summary>The state of the partner's delegated admin (GDAP) access to a customer, from all its relationships.</summary>
/// <param name="Status">The status of the relationship that decides access: one in force if any ("active", or
/// "expiring" until its end), else the one most recently in force ("expired", "terminated", ...), else one not yet in
/// force ("created", "approvalPending", "approved", "activating"); "none" when there is no relationship and "unknown"
/// when Graph could not be read.</param>
/// <param name="EndDateTime">When that relationship ends (null until the customer approved it).</param>
/// <param name="RelationshipName">That relationship's display name.</param>
public sealed record GdapAccess(string Status, DateTimeOffset? EndDateTime, string? RelationshipName)
{
    public static readonly GdapAccess Unknown = new("unknown", null, null);

    public static readonly GdapAccess None = new("none", null, null);

    /// <summary>Every relationship with this customer (a customer often has several), as Graph lists them.</summary>
    public IReadOnlyList<GdapRelationshipInfo> Relationships { get; init; } = [];

    /// <summary>The Microsoft Entra roles (names, e.g. "User Administrator") that the relationships in force grant in
    /// this tenant: what a script may do there. A write that needs another role is refused by Graph or ARM (403).</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>Tenants run unless GDAP is known to be missing or not in force.</summary>
    public bool AllowsAccess => GrantsAccess(Status) || Status == "unknown";

    /// <summary>Statuses of Graph's delegatedAdminRelationship in which the partner's admin agents can act: the
    /// relationship is in force ("active", and "expiring" until its end). Microsoft does not say whether access lasts
    /// through "terminationRequested" and "terminating"; Runner treats them as over, so a run skips the tenant with
    /// the reason instead of failing in it halfway.</summary>
    public static bool GrantsAccess(string status) => status is "active" or "expiring";
}

/// <summary>One GDAP relationship with a customer.</summary>
/// <param name="Id">Graph's id (two GUIDs joined by a dash).</param>
/// <param name="Status">Graph's status, e.g. active, expiring, approvalPending, terminated.</param>
/// <param name="EndDateTime">When it ends (null until approved).</param>
/// <param name="AutoExtendDuration">How long Microsoft extends it at its end (P180D), or null when it does not.</param>
/// <param name="Roles">The Entra roles it grants, by name.</param>
public sealed record GdapRelationshipInfo(string Id, string Name, string Status, DateTimeOffset? EndDateTime, string? AutoExtendDuration, IReadOnlyList<string> Roles);
