using Runner.Tests.Infrastructure;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Runner.Sandbox.Data;

namespace Runner.Tests.Sandbox.Graph;

/// <summary>The directory objects MSP audits read (roles, groups, Conditional Access, security defaults, MFA registration), through GraphServiceClient.</summary>
public sealed class GraphDirectoryObjectsTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public async Task Directory_roles_are_the_activated_roles_and_list_their_member_users()
    {
        var customer = Customer(premium: null);
        var graph = fixture.Clients.Graph(customer.Id);

        var roles = await graph.DirectoryRoles.GetAsync();
        var globalAdmin = roles!.Value!.Single(r => r.RoleTemplateId == "62e90394-69f5-4237-9190-012177145e10");
        var members = await graph.DirectoryRoles[globalAdmin.Id].Members.GetAsync();

        Assert.Equal(customer.Content.Directory.Roles.Select(r => r.Id.ToString()), roles.Value!.Select(r => r.Id));
        Assert.Equal("Global Administrator", globalAdmin.DisplayName);
        var seeded = customer.Content.Directory.Roles.Single(r => r.Id.ToString() == globalAdmin.Id).MemberIds;
        Assert.NotEmpty(seeded);
        Assert.Equal(seeded.Select(id => id.ToString()).Order(), members!.Value!.Select(m => m.Id!).Order());
        Assert.All(members.Value!, m => Assert.IsType<User>(m));
    }

    [Fact]
    public async Task Groups_page_through_nextLink_and_a_member_is_added_once()
    {
        var customer = Customer(premium: null);
        var graph = fixture.Clients.Graph(customer.Id);

        var first = await graph.Groups.GetAsync(r => r.QueryParameters.Top = 2);
        var groups = new List<Group>();
        await PageIterator<Group, GroupCollectionResponse>.CreatePageIterator(graph, first!, g =>
        {
            groups.Add(g);
            return true;
        }).IterateAsync();

        Assert.NotNull(first!.OdataNextLink);
        Assert.Equal(customer.Content.Directory.Groups.Select(g => g.Id.ToString()), groups.Select(g => g.Id));
        var allStaff = groups.Single(g => g.DisplayName == "All Staff");
        Assert.Contains("Unified", allStaff.GroupTypes!);
        var allMembers = await graph.Groups[allStaff.Id].Members.GetAsync(r => r.QueryParameters.Top = 999);
        // The organisation-wide group has the members, not the guests.
        Assert.Equal(customer.Content.Users.Where(u => u.UserType == "Member").Select(u => u.Id.ToString()), allMembers!.Value!.Select(m => m.Id));

        var admins = groups.Single(g => g.DisplayName == "IT Admins");
        var seeded = customer.Content.Directory.Groups.Single(g => g.Id.ToString() == admins.Id);
        var newcomer = customer.Content.Users.First(u => !seeded.MemberIds.Contains(u.Id));
        // A new body each time: the SDK's backing store serializes only changed properties when an object is sent again.
        ReferenceCreate Reference() => new() { OdataId = $"https://graph.microsoft.com/v1.0/directoryObjects/{newcomer.Id}" };

        await graph.Groups[admins.Id].Members.Ref.PostAsync(Reference());
        var after = await graph.Groups[admins.Id].Members.GetAsync();
        var again = await Assert.ThrowsAsync<ODataError>(() => graph.Groups[admins.Id].Members.Ref.PostAsync(Reference()));

        Assert.Contains(newcomer.Id.ToString(), after!.Value!.Select(m => m.Id));
        Assert.Equal(400, again.ResponseStatusCode);
        Assert.Equal("Request_BadRequest", again.Error!.Code);
    }

    [Fact]
    public async Task Conditional_access_policies_and_security_defaults_are_the_seeded_ones()
    {
        var premium = Customer(premium: true, c => c.Content.Directory.Policies.Any(p => p.State == "enabled"));
        var basic = Customer(premium: false);

        var policies = await fixture.Clients.Graph(premium.Id).Identity.ConditionalAccess.Policies.GetAsync();
        var premiumDefaults = await fixture.Clients.Graph(premium.Id).Policies.IdentitySecurityDefaultsEnforcementPolicy.GetAsync();
        var basicDefaults = await fixture.Clients.Graph(basic.Id).Policies.IdentitySecurityDefaultsEnforcementPolicy.GetAsync();

        Assert.Equal(premium.Content.Directory.Policies.Select(p => (p.Id.ToString(), p.DisplayName, p.State)),
            policies!.Value!.Select(p => (p.Id!, p.DisplayName!, p.State!.Value.ToString().ToLowerInvariant() switch
            {
                "enabledforreportingbutnotenforced" => "enabledForReportingButNotEnforced",
                var s => s,
            })));
        var mfaForAdmins = policies.Value!.First();
        Assert.Contains("62e90394-69f5-4237-9190-012177145e10", mfaForAdmins.Conditions!.Users!.IncludeRoles!);
        Assert.Contains(ConditionalAccessGrantControl.Mfa, mfaForAdmins.GrantControls!.BuiltInControls!.Select(c => c!.Value));
        // Security defaults cannot be on while a Conditional Access policy is enabled.
        Assert.False(premiumDefaults!.IsEnabled);
        Assert.Equal(basic.Content.Directory.SecurityDefaultsEnabled, basicDefaults!.IsEnabled);
    }

    [Fact]
    public async Task Users_not_registered_for_MFA_are_found_by_filter_only_in_a_premium_tenant()
    {
        var premium = Customer(premium: true);
        var basic = Customer(premium: false);
        var expected = premium.Content.Users.Where(u => premium.Content.Directory.Registrations[u.Id].Length == 0).Select(u => u.Id.ToString()).ToList();

        var notRegistered = await fixture.Clients.Graph(premium.Id).Reports.AuthenticationMethods.UserRegistrationDetails.GetAsync(r =>
            r.QueryParameters.Filter = "isMfaRegistered eq false");
        var refused = await Assert.ThrowsAsync<ODataError>(() => fixture.Clients.Graph(basic.Id).Reports.AuthenticationMethods.UserRegistrationDetails.GetAsync());

        Assert.NotEmpty(expected);
        Assert.Equal(expected, notRegistered!.Value!.Select(d => d.Id));
        Assert.All(notRegistered.Value!, d => Assert.Empty(d.MethodsRegistered!));
        Assert.Equal(403, refused.ResponseStatusCode);
        Assert.Equal("Authentication_RequestFromNonPremiumTenantOrB2CTenant", refused.Error!.Code);
    }

    [Fact]
    public async Task Sign_in_activity_is_refused_in_a_tenant_without_premium_and_returned_with_it()
    {
        var premium = Customer(premium: true);
        var basic = Customer(premium: false);

        var users = await fixture.Clients.Graph(premium.Id).Users.GetAsync(r => r.QueryParameters.Select = ["id", "signInActivity"]);
        var refused = await Assert.ThrowsAsync<ODataError>(() => fixture.Clients.Graph(basic.Id).Users.GetAsync(r => r.QueryParameters.Select = ["id", "signInActivity"]));

        Assert.Contains(users!.Value!, u => u.SignInActivity?.LastSignInDateTime is not null);
        Assert.Equal(403, refused.ResponseStatusCode);
        Assert.Equal("Authentication_RequestFromNonPremiumTenantOrB2CTenant", refused.Error!.Code);
    }

    /// <summary>An active-GDAP customer, with or without Entra ID P1 (null: either).</summary>
    private SandboxTenant Customer(bool? premium, Func<SandboxTenant, bool>? also = null) =>
        fixture.Host.Context.Directory.Customers.First(c =>
            fixture.Host.Context.Directory.HasActiveRelationship(c, fixture.Host.Clock.GetUtcNow()) && fixture.Host.IsWritable(c) &&
            (premium is null || DirectorySeeder.HasPremium(c.Content) == premium) &&
            (also is null || also(c)));
}
