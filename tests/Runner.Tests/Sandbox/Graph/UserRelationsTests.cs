using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Runner.Sandbox.Data;
using Runner.Tests.Infrastructure;
using GraphRole = Microsoft.Graph.Models.DirectoryRole;

namespace Runner.Tests.Sandbox.Graph;

/// <summary>
/// What MSP scripts read about one user through GraphServiceClient: licence details, group and role memberships,
/// authentication methods (with the GDAP roles "List methods" requires) and revoking sign-in sessions.
/// </summary>
public sealed class UserRelationsTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public async Task License_details_list_each_assigned_sku_with_its_service_plans()
    {
        var customer = Customer(c => c.Content.Users.Any(u => u.AssignedSkuIds.Count > 0));
        var user = customer.Content.Users.First(u => u.AssignedSkuIds.Count > 0);
        var graph = fixture.Clients.Graph(customer.Id);

        var details = await graph.Users[user.UserPrincipalName].LicenseDetails.GetAsync();
        var skus = await graph.SubscribedSkus.GetAsync();

        Assert.Equal(user.AssignedSkuIds.Order(), details!.Value!.Select(d => d.SkuId!.Value).Order());
        foreach (var detail in details.Value!)
        {
            var sku = skus!.Value!.Single(s => s.SkuId == detail.SkuId);
            Assert.Equal(sku.SkuPartNumber, detail.SkuPartNumber);
            Assert.Equal(sku.ServicePlans!.Select(p => (p.ServicePlanId, p.ServicePlanName)), detail.ServicePlans!.Select(p => (p.ServicePlanId, p.ServicePlanName)));
        }
    }

    [Fact]
    public async Task Member_of_lists_groups_and_roles_typed_and_the_group_cast_keeps_groups_only()
    {
        var customer = Customer();
        var admin = customer.Content.Users[0];
        var graph = fixture.Clients.Graph(customer.Id);
        var groups = customer.Content.Directory.Groups.Where(g => g.MemberIds.Contains(admin.Id)).Select(g => g.Id.ToString()).Order().ToList();
        var roles = customer.Content.Directory.Roles.Where(r => r.MemberIds.Contains(admin.Id)).Select(r => r.RoleTemplateId.ToString()).Order().ToList();

        var all = await graph.Users[admin.Id.ToString()].MemberOf.GetAsync();
        var transitive = await graph.Users[admin.Id.ToString()].TransitiveMemberOf.GetAsync();
        var onlyGroups = await graph.Users[admin.Id.ToString()].MemberOf.GraphGroup.GetAsync();

        Assert.Equal(groups, all!.Value!.OfType<Group>().Select(g => g.Id!).Order());
        Assert.Equal(roles, all.Value!.OfType<GraphRole>().Select(r => r.RoleTemplateId!).Order());
        Assert.Contains("Global Administrator", all.Value!.OfType<GraphRole>().Select(r => r.DisplayName));
        Assert.Equal(all.Value!.Count, groups.Count + roles.Count);
        Assert.Equal(all.Value!.Select(o => o.Id), transitive!.Value!.Select(o => o.Id));
        Assert.Equal(groups, onlyGroups!.Value!.Select(g => g.Id!).Order());
    }

    [Fact]
    public async Task Authentication_methods_are_the_password_and_the_registered_methods_for_a_global_reader_or_administrator()
    {
        var customer = Customer(c => Roles(c).Overlaps([GdapSeeder.GlobalAdministrator, GdapSeeder.GlobalReader]));
        var graph = fixture.Clients.Graph(customer.Id);
        var registrations = customer.Content.Directory.Registrations;
        var phoneUser = customer.Content.Users.FirstOrDefault(u => registrations[u.Id].Contains("mobilePhone"));
        var appUser = customer.Content.Users.First(u => registrations[u.Id].Contains("microsoftAuthenticatorPush"));
        var unregistered = customer.Content.Users.First(u => registrations[u.Id].Length == 0);

        var app = await graph.Users[appUser.Id.ToString()].Authentication.Methods.GetAsync();
        var none = await graph.Users[unregistered.UserPrincipalName].Authentication.Methods.GetAsync();

        Assert.Equal(["28c10230-6103-485e-b985-444c60001490"], none!.Value!.Select(m => m.Id));
        Assert.IsType<PasswordAuthenticationMethod>(Assert.Single(none.Value!));
        Assert.IsType<PasswordAuthenticationMethod>(app!.Value![0]);
        var authenticator = Assert.Single(app.Value!.OfType<MicrosoftAuthenticatorAuthenticationMethod>());
        Assert.False(string.IsNullOrEmpty(authenticator.DisplayName));
        Assert.Equal(registrations[appUser.Id].Contains("mobilePhone"), app.Value!.OfType<PhoneAuthenticationMethod>().Any());
        if (phoneUser is not null)
        {
            var phone = (await graph.Users[phoneUser.Id.ToString()].Authentication.Methods.GetAsync())!.Value!.OfType<PhoneAuthenticationMethod>().Single();
            Assert.DoesNotContain("X", phone.PhoneNumber, StringComparison.Ordinal);
            Assert.Equal(AuthenticationPhoneType.Mobile, phone.PhoneType);
        }
    }

    [Fact]
    public async Task An_authentication_administrator_sees_phone_numbers_masked()
    {
        var customer = Customer(c => Roles(c).Contains(GdapSeeder.AuthenticationAdministrator) &&
            !Roles(c).Overlaps([GdapSeeder.GlobalAdministrator, GdapSeeder.GlobalReader, GdapSeeder.PrivilegedAuthenticationAdministrator]) &&
            c.Content.Users.Any(u => c.Content.Directory.Registrations[u.Id].Contains("mobilePhone")));
        var user = customer.Content.Users.First(u => customer.Content.Directory.Registrations[u.Id].Contains("mobilePhone"));
        var graph = fixture.Clients.Graph(customer.Id);

        var methods = await graph.Users[user.Id.ToString()].Authentication.Methods.GetAsync();

        var phone = Assert.Single(methods!.Value!.OfType<PhoneAuthenticationMethod>());
        Assert.Matches(@"^.{3}X{7}\d\d$", phone.PhoneNumber);
    }

    [Fact]
    public async Task Without_a_role_that_reads_authentication_methods_the_read_is_refused_with_access_denied()
    {
        var customer = Customer(c => !Roles(c).Overlaps([GdapSeeder.GlobalAdministrator, GdapSeeder.GlobalReader, GdapSeeder.PrivilegedAuthenticationAdministrator, GdapSeeder.AuthenticationAdministrator]));
        var graph = fixture.Clients.Graph(customer.Id);

        var refused = await Assert.ThrowsAsync<ODataError>(() => graph.Users[customer.Content.Users[1].Id.ToString()].Authentication.Methods.GetAsync());
        var stillReadable = await graph.Users[customer.Content.Users[1].Id.ToString()].GetAsync();

        Assert.Equal((403, "accessDenied"), (refused.ResponseStatusCode, refused.Error!.Code));
        Assert.NotNull(stillReadable);
    }

    [Fact]
    public async Task Expanding_member_of_gives_each_user_its_groups_and_roles_in_one_request()
    {
        var customer = fixture.Host.ActiveCustomer();
        var graph = fixture.Clients.Graph(customer.Id);
        var admin = customer.Content.Users[0];

        var users = await graph.Users.GetAsync(r =>
        {
            r.QueryParameters.Expand = ["memberOf"];
            r.QueryParameters.Select = ["id", "displayName"];
            r.QueryParameters.Top = 999;
        });
        var one = await graph.Users[admin.Id.ToString()].GetAsync(r => r.QueryParameters.Expand = ["memberOf"]);

        foreach (var user in users!.Value!)
        {
            var id = Guid.Parse(user.Id!);
            var expected = customer.Content.Directory.Groups.Where(g => g.MemberIds.Contains(id)).Select(g => g.Id.ToString())
                .Concat(customer.Content.Directory.Roles.Where(r => r.MemberIds.Contains(id)).Select(r => r.Id.ToString()));
            Assert.Equal(expected.Order(), user.MemberOf!.Select(m => m.Id).Order());
        }

        Assert.Contains(one!.MemberOf!, m => m is Microsoft.Graph.Models.DirectoryRole);
    }

    [Fact]
    public async Task Revoking_sign_in_sessions_moves_the_users_valid_from_to_now_and_needs_a_writing_role()
    {
        var customer = Customer(c => Roles(c).Contains(GdapSeeder.UserAdministrator));
        var readOnly = Customer(c => !Roles(c).Overlaps([GdapSeeder.UserAdministrator, GdapSeeder.HelpdeskAdministrator, GdapSeeder.GlobalAdministrator]));
        var user = customer.Content.Users[2];
        var graph = fixture.Clients.Graph(customer.Id);

        var revoked = await graph.Users[user.UserPrincipalName].RevokeSignInSessions.PostAsRevokeSignInSessionsPostResponseAsync();
        var read = await graph.Users[user.Id.ToString()].GetAsync(r => r.QueryParameters.Select = ["signInSessionsValidFromDateTime"]);
        var refused = await Assert.ThrowsAsync<ODataError>(() =>
            fixture.Clients.Graph(readOnly.Id).Users[readOnly.Content.Users[2].Id.ToString()].RevokeSignInSessions.PostAsRevokeSignInSessionsPostResponseAsync());

        Assert.True(revoked!.Value);
        Assert.InRange((fixture.Host.Clock.GetUtcNow() - read!.SignInSessionsValidFromDateTime!.Value).TotalSeconds, 0, 2);
        Assert.Equal((403, "Authorization_RequestDenied"), (refused.ResponseStatusCode, refused.Error!.Code));
        Assert.Null(readOnly.Content.Users[2].SignInSessionsValidFrom);
    }

    private IReadOnlySet<string> Roles(SandboxTenant customer) => fixture.Host.RolesInForce(customer);

    private SandboxTenant Customer(Func<SandboxTenant, bool>? also = null) => fixture.Host.ActiveCustomer(also);
}
