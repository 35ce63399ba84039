namespace Runner.Sandbox.Data;

/// <summary>One entry of Entra's directory audit log, as Graph v1.0's directoryAudit resource describes it.</summary>
internal sealed record DirectoryAuditRecord(
    string Id,
    DateTimeOffset ActivityDateTime,
    string ActivityDisplayName,
    string Category,
    string OperationType,
    string LoggedByService,
    Guid CorrelationId,
    AuditInitiator InitiatedBy,
    IReadOnlyList<AuditTarget> TargetResources,
    string Result = "success");

/// <summary>Who did it: a user (with their home tenant when it is another, as for a partner's admin agent) or an app.</summary>
internal sealed record AuditInitiator(
    Guid Id,
    string? DisplayName,
    string? UserPrincipalName,
    string? IpAddress,
    Guid? HomeTenantId = null,
    string? HomeTenantName = null,
    Guid? AppId = null)
{
    public bool IsApp => AppId is not null;

    public static AuditInitiator User(SandboxUser user, string? ipAddress, SandboxTenant? home = null) =>
        new(user.Id, user.DisplayName, user.UserPrincipalName, ipAddress, home?.Id, home?.DisplayName);

    public static AuditInitiator App(Guid servicePrincipalId, Guid appId, string displayName) =>
        new(servicePrincipalId, displayName, null, null, AppId: appId);
}

/// <summary>What it was done to ("User", "Group", "Device", "Role", "ServicePrincipal", "Policy"), and what changed.</summary>
internal sealed record AuditTarget(string Type, Guid Id, string? DisplayName, string? UserPrincipalName, IReadOnlyList<AuditChange> ModifiedProperties)
{
    public static AuditTarget Of(SandboxUser user, params AuditChange[] changes) => new("User", user.Id, null, user.UserPrincipalName, changes);
}

/// <summary>A property the activity changed; Entra writes the values as JSON text (for example "[\"Sales\"]").</summary>
internal sealed record AuditChange(string DisplayName, string? OldValue, string? NewValue);
