using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Runner.Sandbox.Data;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox.Graph;

/// <summary>policies/authorizationPolicy through GraphServiceClient: the seeded user-consent settings, turning consent
/// off as a security baseline does, and the refusals.</summary>
public sealed class AuthorizationPolicyTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public async Task Each_tenant_reads_its_own_consent_setting_and_consents_were_logged_only_where_users_may_consent()
    {
        foreach (var customer in fixture.Host.Context.Directory.Customers.Where(c => fixture.Host.Context.Directory.HasActiveRelationship(c, fixture.Host.Clock.GetUtcNow())))
        {
            var policy = await fixture.Clients.Graph(customer.Id).Policies.AuthorizationPolicy.GetAsync();

            Assert.Equal(customer.Content.Authorization.PermissionGrantPoliciesAssigned, policy!.DefaultUserRolePermissions!.PermissionGrantPoliciesAssigned);
            Assert.True(customer.Content.Authorization.AllowsUserConsent || customer.Content.DirectoryAudits.All(a => a.ActivityDisplayName != "Consent to application"), customer.Domain);
        }

        Assert.Contains(fixture.Host.Context.Directory.Customers, c => !c.Content.Authorization.AllowsUserConsent);
        Assert.Contains(fixture.Host.Context.Directory.Customers, c => c.Content.Authorization.PermissionGrantPoliciesAssigned.Contains(AuthorizationSettings.LegacyConsent));
    }

    [Fact]
    public async Task A_global_administrator_changes_user_consent_and_the_change_is_audited()
    {
        var customer = fixture.Host.ActiveCustomer(c => fixture.Host.RolesInForce(c).Contains(GdapSeeder.GlobalAdministrator));
        var graph = fixture.Clients.Graph(customer.Id);
        // Off where users may consent (the baseline), else to today's default.
        List<string> wanted = customer.Content.Authorization.AllowsUserConsent ? [] : [AuthorizationSettings.LowRiskConsent];

        await graph.Policies.AuthorizationPolicy.PatchAsync(new AuthorizationPolicy
        {
            DefaultUserRolePermissions = new DefaultUserRolePermissions { PermissionGrantPoliciesAssigned = wanted, AllowedToCreateApps = false },
        });
        var read = await graph.Policies.AuthorizationPolicy.GetAsync();
        var audit = await graph.AuditLogs.DirectoryAudits.GetAsync(r => r.QueryParameters.Filter = "activityDisplayName eq 'Update authorization policy'");

        Assert.Equal(wanted, read!.DefaultUserRolePermissions!.PermissionGrantPoliciesAssigned);
        Assert.False(read.DefaultUserRolePermissions.AllowedToCreateApps);
        Assert.Single(audit!.Value!);
    }

    [Fact]
    public async Task Without_privileged_role_or_global_administrator_or_with_an_unknown_property_the_change_is_refused()
    {
        var standard = fixture.Host.ActiveCustomer(c => !fixture.Host.RolesInForce(c).Overlaps([GdapSeeder.GlobalAdministrator, GdapSeeder.PrivilegedRoleAdministrator]));
        var global = fixture.Host.ActiveCustomer(c => fixture.Host.RolesInForce(c).Contains(GdapSeeder.GlobalAdministrator));
        var before = standard.Content.Authorization.AllowedToCreateApps;

        var denied = await Assert.ThrowsAsync<ODataError>(() => fixture.Clients.Graph(standard.Id).Policies.AuthorizationPolicy.PatchAsync(
            new AuthorizationPolicy { DefaultUserRolePermissions = new DefaultUserRolePermissions { AllowedToCreateApps = !before } }));
        var unknown = await Assert.ThrowsAsync<ODataError>(() => fixture.Clients.Graph(global.Id).Policies.AuthorizationPolicy.PatchAsync(
            new AuthorizationPolicy { AllowedToSignUpEmailBasedSubscriptions = false }));

        Assert.Equal((403, "Authorization_RequestDenied"), (denied.ResponseStatusCode, denied.Error!.Code));
        Assert.Equal(before, standard.Content.Authorization.AllowedToCreateApps);
        Assert.Equal(400, unknown.ResponseStatusCode);
    }
}
