using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Runner.Sandbox.Data;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox.Graph;

/// <summary>Password resets through "Update user" (passwordProfile), with the roles "Who can reset passwords" names.</summary>
public sealed class PasswordResetTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public async Task A_user_administrator_resets_a_non_admins_password_and_the_change_date_moves_to_now()
    {
        var customer = Standard();
        var user = customer.Content.Users.First(u => u.UserType == "Member" && !IsAdmin(customer, u));
        var graph = fixture.Clients.Graph(customer.Id);

        await graph.Users[user.Id.ToString()].PatchAsync(new User { PasswordProfile = new PasswordProfile { Password = "Spring-Tide-2026!", ForceChangePasswordNextSignIn = true } });
        var read = await graph.Users[user.Id.ToString()].GetAsync(r => r.QueryParameters.Select = ["lastPasswordChangeDateTime"]);
        var weak = await Assert.ThrowsAsync<ODataError>(() => graph.Users[user.Id.ToString()].PatchAsync(new User { PasswordProfile = new PasswordProfile { Password = "password" } }));

        Assert.InRange((fixture.Host.Clock.GetUtcNow() - read!.LastPasswordChangeDateTime!.Value).TotalSeconds, 0, 2);
        Assert.Equal((400, "Request_BadRequest"), (weak.ResponseStatusCode, weak.Error!.Code));
    }

    [Fact]
    public async Task An_admins_password_needs_a_global_or_privileged_authentication_administrator()
    {
        var standard = Standard();
        var admin = standard.Content.Users.First(u => IsAdmin(standard, u));
        var global = fixture.Host.ActiveCustomer(c => fixture.Host.RolesInForce(c).Contains(GdapSeeder.GlobalAdministrator));
        var globalAdmin = global.Content.Users.First(u => IsAdmin(global, u));
        var before = admin.LastPasswordChangeDateTime;

        var refused = await Assert.ThrowsAsync<ODataError>(() => fixture.Clients.Graph(standard.Id).Users[admin.Id.ToString()]
            .PatchAsync(new User { PasswordProfile = new PasswordProfile { Password = "Spring-Tide-2026!" } }));
        await fixture.Clients.Graph(global.Id).Users[globalAdmin.Id.ToString()].PatchAsync(new User { PasswordProfile = new PasswordProfile { Password = "Spring-Tide-2026!" } });

        Assert.Equal((403, "Authorization_RequestDenied"), (refused.ResponseStatusCode, refused.Error!.Code));
        Assert.Equal(before, admin.LastPasswordChangeDateTime);
        Assert.NotNull(globalAdmin.LastPasswordChangeDateTime);
    }

    private SandboxTenant Standard() => fixture.Host.ActiveCustomer(c =>
        fixture.Host.RolesInForce(c).Contains(GdapSeeder.UserAdministrator) &&
        !fixture.Host.RolesInForce(c).Overlaps([GdapSeeder.GlobalAdministrator, GdapSeeder.PrivilegedAuthenticationAdministrator]));

    private static bool IsAdmin(SandboxTenant tenant, SandboxUser user) => tenant.Content.Directory.Roles.Any(r => r.MemberIds.Contains(user.Id));
}
