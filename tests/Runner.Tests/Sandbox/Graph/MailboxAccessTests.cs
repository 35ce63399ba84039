using Microsoft.Graph.Models.ODataErrors;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox.Graph;

/// <summary>Mailboxes through Graph answer a partner's admin agent as Exchange Online does: access denied, whatever
/// the GDAP roles, since no directory role gives access to another user's mail.</summary>
public sealed class MailboxAccessTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public async Task Inbox_rules_messages_and_mailbox_settings_of_a_customers_user_are_access_denied()
    {
        var customer = fixture.Host.ActiveCustomer(c => fixture.Host.RolesInForce(c).Contains(Runner.Sandbox.Data.GdapSeeder.GlobalAdministrator));
        var user = customer.Content.Users[1].Id.ToString();
        var graph = fixture.Clients.Graph(customer.Id);

        var rules = await Assert.ThrowsAsync<ODataError>(() => graph.Users[user].MailFolders["inbox"].MessageRules.GetAsync());
        var messages = await Assert.ThrowsAsync<ODataError>(() => graph.Users[user].Messages.GetAsync());
        var settings = await Assert.ThrowsAsync<ODataError>(() => graph.Users[user].MailboxSettings.GetAsync());
        var nobody = await Assert.ThrowsAsync<ODataError>(() => graph.Users[Guid.NewGuid().ToString()].Messages.GetAsync());

        Assert.All([rules, messages, settings], e => Assert.Equal((403, "ErrorAccessDenied"), (e.ResponseStatusCode, e.Error!.Code)));
        Assert.Equal(404, nobody.ResponseStatusCode);
    }
}
