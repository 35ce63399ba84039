using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Runner.Sandbox.Data;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox.Graph;

/// <summary>Inviting guests through GraphServiceClient: the guest Entra creates, inviting twice, and the refusals.</summary>
public sealed class InvitationsTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public async Task An_invited_guest_is_listed_pending_acceptance_and_inviting_again_returns_the_same_guest()
    {
        var customer = fixture.Host.ActiveCustomer(c => fixture.Host.IsWritable(c));
        var graph = fixture.Clients.Graph(customer.Id);
        Invitation Invite() => new() { InvitedUserEmailAddress = "Sam.Rivera@Partner-Firm.example", InviteRedirectUrl = "https://myapps.microsoft.com", InvitedUserDisplayName = "Sam Rivera" };

        var first = await graph.Invitations.PostAsync(Invite());
        var again = await graph.Invitations.PostAsync(Invite());
        var guests = await graph.Users.GetAsync(r =>
        {
            r.QueryParameters.Filter = "userType eq 'Guest'";
            r.QueryParameters.Select = ["id", "userPrincipalName", "mail", "externalUserState"];
            r.QueryParameters.Top = 999;
        });

        Assert.Equal("PendingAcceptance", first!.Status);
        Assert.Equal(first.InvitedUser!.Id, again!.InvitedUser!.Id);
        var guest = Assert.Single(guests!.Value!, u => u.Id == first.InvitedUser.Id);
        Assert.Equal($"sam.rivera_partner-firm.example#EXT#@{customer.Domain}", guest.UserPrincipalName);
        Assert.Equal("PendingAcceptance", guest.ExternalUserState);
    }

    [Fact]
    public async Task A_bad_address_and_a_tenant_that_allows_no_invitations_are_refused()
    {
        var customer = fixture.Host.ActiveCustomer(c => fixture.Host.RolesInForce(c).Contains(GdapSeeder.GlobalAdministrator));
        var graph = fixture.Clients.Graph(customer.Id);

        var bad = await Assert.ThrowsAsync<ODataError>(() => graph.Invitations.PostAsync(new Invitation { InvitedUserEmailAddress = "not an address", InviteRedirectUrl = "https://myapps.microsoft.com" }));
        await graph.Policies.AuthorizationPolicy.PatchAsync(new AuthorizationPolicy { AllowInvitesFrom = AllowInvitesFrom.None });
        var none = await Assert.ThrowsAsync<ODataError>(() => graph.Invitations.PostAsync(new Invitation { InvitedUserEmailAddress = "kim@example.org", InviteRedirectUrl = "https://myapps.microsoft.com" }));

        Assert.Equal(400, bad.ResponseStatusCode);
        Assert.Equal(403, none.ResponseStatusCode);
        Assert.DoesNotContain(customer.Content.Users, u => u.Mail == "kim@example.org");
    }
}
