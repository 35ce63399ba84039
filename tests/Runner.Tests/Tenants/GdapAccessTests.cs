using Microsoft.Graph.Models;
using Runner.Tenants;

namespace Runner.Tests.Tenants;

/// <summary>A customer's access from all its GDAP relationships: access if any grants it, the roles of those in force.</summary>
public sealed class GdapAccessTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Any_relationship_in_force_grants_access_with_the_roles_of_every_one_in_force()
    {
        var access = TenantDirectory.Combine(
        [
            Relationship("a", DelegatedAdminRelationshipStatus.Expired, Now.AddDays(-3), "62e90394-69f5-4237-9190-012177145e10"),
            Relationship("b", DelegatedAdminRelationshipStatus.Active, Now.AddDays(200), "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"),
            Relationship("c", DelegatedAdminRelationshipStatus.Expiring, Now.AddDays(4), "729827e3-9c14-49f7-bb1b-9608f156bbb8"),
            Relationship("d", DelegatedAdminRelationshipStatus.ApprovalPending, null, "fe930be7-5e62-47db-91af-98c3a49a38b1"),
        ], Now);

        Assert.True(access.AllowsAccess);
        Assert.Equal("active", access.Status);
        Assert.Equal(["Directory Readers", "Helpdesk Administrator"], access.Roles);
        Assert.Equal(4, access.Relationships.Count);
        Assert.Null(TenantSelector.SkipReason(Tenant(access), Now));
    }

    [Fact]
    public void An_expiring_relationship_alone_still_grants_access_until_its_end()
    {
        var access = TenantDirectory.Combine([Relationship("a", DelegatedAdminRelationshipStatus.Expiring, Now.AddDays(2), "729827e3-9c14-49f7-bb1b-9608f156bbb8")], Now);
        var over = TenantDirectory.Combine([Relationship("a", DelegatedAdminRelationshipStatus.Expiring, Now.AddDays(-1), "729827e3-9c14-49f7-bb1b-9608f156bbb8")], Now);

        Assert.True(access.AllowsAccess);
        Assert.False(over.AllowsAccess);
        Assert.Equal("expired", over.Status);
    }

    [Theory]
    [InlineData("approvalPending", "not in force yet (approvalPending): the customer must approve it")]
    [InlineData("created", "not in force yet (created)")]
    [InlineData("approved", "not in force yet (approved)")]
    [InlineData("activating", "not in force yet (activating)")]
    [InlineData("terminationRequested", "being terminated (terminationRequested)")]
    [InlineData("terminating", "being terminated (terminating)")]
    [InlineData("terminated", "The GDAP relationship is terminated")]
    public void Relationships_not_in_force_skip_the_tenant_with_the_reason(string status, string reason)
    {
        var parsed = Enum.Parse<DelegatedAdminRelationshipStatus>(status, ignoreCase: true);
        var access = TenantDirectory.Combine([Relationship("a", parsed, status is "terminated" or "terminating" or "terminationRequested" ? Now.AddDays(10) : null, "fe930be7-5e62-47db-91af-98c3a49a38b1")], Now);

        Assert.False(access.AllowsAccess);
        Assert.Empty(access.Roles);
        Assert.Contains(reason, TenantSelector.SkipReason(Tenant(access), Now));
    }

    private static CustomerTenant Tenant(GdapAccess access) => new() { Id = Guid.NewGuid(), Domain = "x.onmicrosoft.com", CompanyName = "X", Gdap = access };

    private static DelegatedAdminRelationship Relationship(string id, DelegatedAdminRelationshipStatus status, DateTimeOffset? end, params string[] roles) => new()
    {
        Id = id,
        DisplayName = id,
        Status = status,
        EndDateTime = end,
        AccessDetails = new DelegatedAdminAccessDetails { UnifiedRoles = roles.Select(r => new UnifiedRole { RoleDefinitionId = r }).ToList() },
    };
}
