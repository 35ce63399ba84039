namespace Runner.Sandbox.Data;

/// <summary>A directory tenant: the partner's own or a customer's. Its content is built on first use so a
/// sandbox with thousands of customers starts in well under a second.</summary>
internal sealed class SandboxTenant
{
    private readonly Lazy<TenantContent> _content;

    public SandboxTenant(Guid id, string displayName, string domain, int index, bool isPartner, Func<SandboxTenant, TenantContent> build)
    {
        Id = id;
        DisplayName = displayName;
        Domain = domain;
        Index = index;
        IsPartner = isPartner;
        _content = new Lazy<TenantContent>(() => build(this), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public Guid Id { get; }

    public string DisplayName { get; }

    /// <summary>The initial (onmicrosoft.com) domain.</summary>
    public string Domain { get; }

    public int Index { get; }

    public bool IsPartner { get; }

    public TenantContent Content => _content.Value;
}

internal sealed class TenantContent
{
    public required List<SandboxUser> Users { get; init; }

    public required List<string> VerifiedDomains { get; init; }

    public required List<AzureSubscription> AzureSubscriptions { get; init; }

    public required List<PartnerSubscription> PartnerSubscriptions { get; init; }

    public required DateTimeOffset CreatedDateTime { get; init; }

    public required string CountryLetterCode { get; init; }

    /// <summary>Devices enrolled in Intune (<see cref="DeviceSeeder"/>): only in tenants licensed for Intune.</summary>
    public List<ManagedDevice> ManagedDevices => Later.ManagedDevices.Value;

    /// <summary>Devices registered or joined in Entra ID (<see cref="EntraDeviceSeeder"/>); DELETE /devices removes them.</summary>
    public List<EntraDevice> Devices => Later.Devices.Value;

    /// <summary>The customer's own app registrations (<see cref="ApplicationSeeder"/>).</summary>
    public List<AppRegistration> Applications => Later.Applications.Value;

    /// <summary>The last 30 days of sign-ins (<see cref="SignInSeeder"/>).</summary>
    public List<SignInRecord> SignIns => Later.SignIns.Value;

    /// <summary>The last 30 days of the directory audit log (<see cref="DirectoryAuditSeeder"/>), oldest first; writes
    /// through the sandbox's Graph append to it.</summary>
    public List<DirectoryAuditRecord> DirectoryAudits => Later.DirectoryAudits.Value;

    /// <summary>Defender alerts of the last 30 days (<see cref="SecurityAlertSeeder"/>); triage changes them.</summary>
    public List<SecurityAlert> SecurityAlerts => Later.SecurityAlerts.Value;

    /// <summary>What is worked out on first use rather than with the tenant, so a large sandbox whose tenants are all
    /// read (a run across every customer) pays only for what its jobs ask for.</summary>
    public LaterContent Later { get; set; } = new(new(() => []), new(() => []), new(() => []), new(() => []), new(() => []), new(() => []));

    /// <summary>What users and guests may do by default (policies/authorizationPolicy).</summary>
    public AuthorizationSettings Authorization { get; set; } = new();

    /// <summary>Whether Microsoft 365 usage reports hide user names (admin/reportSettings): on by default since
    /// 2021, switched off in about one customer in three.</summary>
    public bool DisplayConcealedNames { get; set; } = true;

    /// <summary>Users deleted through Graph, kept 30 days for restoring (/directory/deletedItems), newest last.</summary>
    public List<DeletedUser> DeletedUsers { get; } = [];

    /// <summary>Roles, groups, policies and MFA registration (<see cref="DirectorySeeder"/>).</summary>
    public DirectoryObjects Directory { get; set; } = DirectoryObjects.Empty;

    /// <summary>Guards changes made through the APIs (users added, changed or deleted, licences, groups, quantities,
    /// resource groups): every reader of a list that a write changes takes it too.</summary>
    public object Sync { get; } = new();
}

/// <summary>The parts of a tenant's content built on first use; see <see cref="TenantContent.Later"/>.</summary>
internal sealed record LaterContent(
    Lazy<List<ManagedDevice>> ManagedDevices,
    Lazy<List<EntraDevice>> Devices,
    Lazy<List<AppRegistration>> Applications,
    Lazy<List<SignInRecord>> SignIns,
    Lazy<List<DirectoryAuditRecord>> DirectoryAudits,
    Lazy<List<SecurityAlert>> SecurityAlerts);

internal sealed class SandboxUser
{
    public required Guid Id { get; init; }

    public required Guid TenantId { get; init; }

    /// <summary>The name parts and the rest below are settable: PATCH /users/{id} changes them.</summary>
    public required string? GivenName { get; set; }

    public required string? Surname { get; set; }

    /// <summary>Stored apart from the name parts, as in Entra: changing one does not change the other.</summary>
    public required string DisplayName { get; set; }

    public required string UserPrincipalName { get; set; }

    /// <summary>The mail address; a guest's is its home address, a member's its user principal name.</summary>
    public string? Mail { get; init; }

    public string? JobTitle { get; set; }

    public string? Department { get; set; }

    public string? OfficeLocation { get; set; }

    public string? MobilePhone { get; set; }

    public string? City { get; set; }

    public string? Country { get; set; }

    public required bool AccountEnabled { get; set; }

    public required DateTimeOffset CreatedDateTime { get; init; }

    public DateTimeOffset? LastSignInDateTime { get; init; }

    /// <summary>The user's manager (PUT /users/{id}/manager/$ref sets it); seeded by <see cref="ManagerSeeder"/>.</summary>
    public Guid? ManagerId { get; set; }

    /// <summary>Set by a password reset (PATCH passwordProfile); the account's creation until then.</summary>
    public DateTimeOffset? LastPasswordChangeDateTime { get; set; }

    /// <summary>Set by revokeSignInSessions: refresh tokens and session cookies issued before it are invalid.</summary>
    public DateTimeOffset? SignInSessionsValidFrom { get; set; }

    public List<Guid> AssignedSkuIds { get; init; } = [];

    public string UserType { get; init; } = "Member";

    /// <summary>A guest's invitation state ("PendingAcceptance" or "Accepted"); null for members.</summary>
    public string? ExternalUserState { get; init; }

    /// <summary>Two-letter country code; Graph refuses to assign licences while it is null.</summary>
    public string? UsageLocation { get; set; }
}

internal sealed class AzureSubscription
{
    public required string SubscriptionId { get; init; }

    public required Guid TenantId { get; init; }

    public required string DisplayName { get; init; }

    public required string State { get; init; }

    public required List<ResourceGroup> ResourceGroups { get; init; }

    /// <summary>Tags on the subscription itself (the Tags API at subscription scope).</summary>
    public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);
}

internal sealed class ResourceGroup
{
    public required string Name { get; init; }

    public required string Location { get; init; }

    public required Dictionary<string, string> Tags { get; init; }

    public required List<AzureResource> Resources { get; init; }

    /// <summary>"Succeeded", or "Deleting" from a DELETE until the deletion completes.</summary>
    public string ProvisioningState { get; set; } = "Succeeded";
}

/// <summary>An Azure resource; <see cref="Type"/> is the full type, for example Microsoft.Storage/storageAccounts.</summary>
internal sealed record AzureResource(string Name, string Type, string Location, Dictionary<string, string> Tags, string Kind, DateTimeOffset CreatedTime)
{
    public string Namespace => Type[..Type.IndexOf('/', StringComparison.Ordinal)];

    public string ResourceType => Type[(Type.IndexOf('/', StringComparison.Ordinal) + 1)..];
}

internal sealed class PartnerSubscription
{
    public required Guid Id { get; init; }

    public required Product Product { get; init; }

    public required int Quantity { get; set; }

    /// <summary>"active" or "suspended"; PATCH suspends and reactivates.</summary>
    public required string Status { get; set; }

    public required bool AutoRenewEnabled { get; init; }

    public required string BillingCycle { get; init; }

    public required DateTimeOffset CreationDate { get; init; }

    public required DateTimeOffset CommitmentEndDate { get; init; }

    /// <summary>Bumped on every change; the etag is derived from it.</summary>
    public int Version { get; set; } = 1;

    public string Etag => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Id:N}:{Version}"));
}

/// <summary>A GDAP relationship as Graph v1.0's delegatedAdminRelationship describes it. <see cref="Id"/> has the
/// real format (two GUIDs joined by a dash); <see cref="ActivatedDateTime"/> is null until the customer approved it.</summary>
internal sealed record GdapRelationship(
    string Id,
    string DisplayName,
    Guid CustomerTenantId,
    string CustomerName,
    string Status,
    DateTimeOffset CreatedDateTime,
    DateTimeOffset? ActivatedDateTime,
    DateTimeOffset EndDateTime,
    string[] RoleDefinitionIds,
    string AutoExtendDuration)
{
    /// <summary>Statuses in which the partner's admin agents can act in the customer tenant: the relationship is in
    /// force ("active", and "expiring" until its end date), per "delegatedAdminRelationship resource type".</summary>
    public static bool GrantsAccessIn(string status) => status is "active" or "expiring";

    /// <summary>The status on the sandbox clock: an active or expiring relationship past its end date is expired.</summary>
    public string StatusAt(DateTimeOffset now) => GrantsAccessIn(Status) && EndDateTime <= now ? "expired" : Status;

    public bool GrantsAccessAt(DateTimeOffset now) => GrantsAccessIn(StatusAt(now));
}

/// <summary>A user in the directory's deleted items, with what a restore gives back: group memberships and ownerships,
/// directory roles, licences, MFA registration and manager.</summary>
internal sealed record DeletedUser(
    SandboxUser User,
    DateTimeOffset DeletedDateTime,
    List<Guid> GroupIds,
    List<Guid> OwnedGroupIds,
    List<Guid> RoleIds,
    string[] Registrations);
