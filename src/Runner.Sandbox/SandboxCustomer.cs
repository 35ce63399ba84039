namespace Runner.Sandbox;

/// <summary>A seeded customer, as tests and the standalone banner see it.</summary>
/// <param name="TenantId">The customer's tenant id.</param>
/// <param name="Domain">Its onmicrosoft.com domain.</param>
/// <param name="CompanyName">Its company name.</param>
/// <param name="GdapStatus">The status of the relationship that says most about the partner's access (one in force if
/// any: active or expiring), or none when there is no relationship.</param>
/// <param name="GdapEnd">When the relationship ends, when there is one.</param>
public sealed record SandboxCustomer(Guid TenantId, string Domain, string CompanyName, string GdapStatus, DateTimeOffset? GdapEnd);

/// <summary>A seeded GDAP relationship, as tests see it.</summary>
/// <param name="EndDateTime">Null until the customer approved it.</param>
public sealed record SandboxRelationship(string Id, Guid CustomerTenantId, string Status, DateTimeOffset? EndDateTime, IReadOnlyList<string> RoleDefinitionIds, string AutoExtendDuration);
