using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Runner.Sandbox.Data;
using ConditionalAccessPolicy = Microsoft.Graph.Models.ConditionalAccessPolicy;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox.Graph;

/// <summary>Deploying a Conditional Access baseline through GraphServiceClient: report-only first, then enabled; security
/// defaults and enabled policies excluding each other; the licence, role and unsupported-property refusals.</summary>
public sealed class ConditionalAccessWritesTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public async Task A_policy_created_report_only_is_read_back_enabled_later_and_audited()
    {
        var customer = Deployable(0);
        var graph = fixture.Clients.Graph(customer.Id);
        var breakGlass = customer.Content.Users[0].Id.ToString();
        await graph.Policies.IdentitySecurityDefaultsEnforcementPolicy.PatchAsync(new IdentitySecurityDefaultsEnforcementPolicy { IsEnabled = false });

        var created = await graph.Identity.ConditionalAccess.Policies.PostAsync(new ConditionalAccessPolicy
        {
            DisplayName = "Baseline: require MFA for all users",
            State = ConditionalAccessPolicyState.EnabledForReportingButNotEnforced,
            Conditions = new ConditionalAccessConditionSet
            {
                ClientAppTypes = [ConditionalAccessClientApp.All],
                Applications = new ConditionalAccessApplications { IncludeApplications = ["All"] },
                Users = new ConditionalAccessUsers { IncludeUsers = ["All"], ExcludeUsers = [breakGlass] },
            },
            GrantControls = new ConditionalAccessGrantControls { Operator = "OR", BuiltInControls = [ConditionalAccessGrantControl.Mfa] },
        });
        await graph.Identity.ConditionalAccess.Policies[created!.Id].PatchAsync(new ConditionalAccessPolicy { State = ConditionalAccessPolicyState.Enabled });
        var read = await graph.Identity.ConditionalAccess.Policies[created.Id].GetAsync();
        var audits = await graph.AuditLogs.DirectoryAudits.GetAsync(r =>
        {
            r.QueryParameters.Filter = $"loggedByService eq 'Conditional Access' and targetResources/any(t:t/id eq '{created.Id}')";
            r.QueryParameters.Orderby = ["activityDateTime asc"];
        });

        Assert.Equal(ConditionalAccessPolicyState.Enabled, read!.State);
        Assert.Equal([breakGlass], read.Conditions!.Users!.ExcludeUsers);
        Assert.Equal([ConditionalAccessGrantControl.Mfa], read.GrantControls!.BuiltInControls);
        Assert.NotNull(read.ModifiedDateTime);
        Assert.Equal(["Add conditional access policy", "Update conditional access policy"], audits!.Value!.Select(a => a.ActivityDisplayName));
    }

    [Fact]
    public async Task Security_defaults_and_enabled_policies_exclude_each_other()
    {
        var customer = Deployable(1);
        var graph = fixture.Clients.Graph(customer.Id);
        await graph.Policies.IdentitySecurityDefaultsEnforcementPolicy.PatchAsync(new IdentitySecurityDefaultsEnforcementPolicy { IsEnabled = false });
        foreach (var policy in customer.Content.Directory.Policies.Where(p => p.State == "enabled").ToList())
        {
            await graph.Identity.ConditionalAccess.Policies[policy.Id.ToString()].PatchAsync(new ConditionalAccessPolicy { State = ConditionalAccessPolicyState.Disabled });
        }

        await graph.Policies.IdentitySecurityDefaultsEnforcementPolicy.PatchAsync(new IdentitySecurityDefaultsEnforcementPolicy { IsEnabled = true });
        var enable = await Assert.ThrowsAsync<ODataError>(() =>
            graph.Identity.ConditionalAccess.Policies[customer.Content.Directory.Policies[0].Id.ToString()].PatchAsync(new ConditionalAccessPolicy { State = ConditionalAccessPolicyState.Enabled }));
        await graph.Policies.IdentitySecurityDefaultsEnforcementPolicy.PatchAsync(new IdentitySecurityDefaultsEnforcementPolicy { IsEnabled = false });
        await graph.Identity.ConditionalAccess.Policies[customer.Content.Directory.Policies[0].Id.ToString()].PatchAsync(new ConditionalAccessPolicy { State = ConditionalAccessPolicyState.Enabled });
        var defaults = await Assert.ThrowsAsync<ODataError>(() =>
            graph.Policies.IdentitySecurityDefaultsEnforcementPolicy.PatchAsync(new IdentitySecurityDefaultsEnforcementPolicy { IsEnabled = true }));

        Assert.Equal(400, enable.ResponseStatusCode);
        Assert.Equal(400, defaults.ResponseStatusCode);
        Assert.False((await graph.Policies.IdentitySecurityDefaultsEnforcementPolicy.GetAsync())!.IsEnabled);
    }

    [Fact]
    public async Task Without_entra_id_p1_a_conditional_access_role_or_with_a_condition_the_sandbox_does_not_keep_it_is_refused()
    {
        var free = fixture.Host.ActiveCustomer(c => !DirectorySeeder.HasPremium(c.Content) && CanDeploy(c));
        var readOnly = fixture.Host.ActiveCustomer(c => DirectorySeeder.HasPremium(c.Content) && !CanDeploy(c));
        var premium = Deployable(0);
        ConditionalAccessPolicy Policy(ConditionalAccessConditionSet? conditions = null) => new()
        {
            DisplayName = "Block legacy authentication",
            State = ConditionalAccessPolicyState.Disabled,
            Conditions = conditions ?? new ConditionalAccessConditionSet { ClientAppTypes = [ConditionalAccessClientApp.ExchangeActiveSync, ConditionalAccessClientApp.Other] },
            GrantControls = new ConditionalAccessGrantControls { Operator = "OR", BuiltInControls = [ConditionalAccessGrantControl.Block] },
        };

        var unlicensed = await Assert.ThrowsAsync<ODataError>(() => fixture.Clients.Graph(free.Id).Identity.ConditionalAccess.Policies.PostAsync(Policy()));
        var role = await Assert.ThrowsAsync<ODataError>(() => fixture.Clients.Graph(readOnly.Id).Identity.ConditionalAccess.Policies.PostAsync(Policy()));
        var platforms = await Assert.ThrowsAsync<ODataError>(() => fixture.Clients.Graph(premium.Id).Identity.ConditionalAccess.Policies.PostAsync(Policy(new ConditionalAccessConditionSet
        {
            ClientAppTypes = [ConditionalAccessClientApp.All],
            Platforms = new ConditionalAccessPlatforms { IncludePlatforms = [ConditionalAccessDevicePlatform.Android] },
        })));

        Assert.Equal(403, unlicensed.ResponseStatusCode);
        Assert.Equal((403, "Authorization_RequestDenied"), (role.ResponseStatusCode, role.Error!.Code));
        Assert.Equal(501, platforms.ResponseStatusCode);
    }

    private bool CanDeploy(SandboxTenant c) =>
        fixture.Host.RolesInForce(c).Overlaps([GdapSeeder.ConditionalAccessAdministrator, GdapSeeder.SecurityAdministrator, GdapSeeder.GlobalAdministrator]);

    private SandboxTenant Deployable(int n) => fixture.Host.Context.Directory.Customers
        .Where(c => fixture.Host.Context.Directory.HasActiveRelationship(c, fixture.Host.Clock.GetUtcNow()) && DirectorySeeder.HasPremium(c.Content) && CanDeploy(c) && c.Content.Directory.Policies.Count > 0)
        .Skip(n).First();
}
