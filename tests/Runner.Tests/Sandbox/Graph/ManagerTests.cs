using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Runner.Sandbox.Data;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox.Graph;

/// <summary>Managers and direct reports through GraphServiceClient, as onboarding and offboarding jobs use them.</summary>
public sealed class ManagerTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public async Task A_users_manager_and_a_managers_direct_reports_are_the_seeded_ones()
    {
        var customer = fixture.Host.ActiveCustomer();
        var lead = customer.Content.Users[0];
        var report = customer.Content.Users.First(u => u.ManagerId == lead.Id);
        var graph = fixture.Clients.Graph(customer.Id);

        var manager = await graph.Users[report.Id.ToString()].Manager.GetAsync();
        var reports = await graph.Users[lead.UserPrincipalName].DirectReports.GetAsync();
        var none = await Assert.ThrowsAsync<ODataError>(() => graph.Users[lead.Id.ToString()].Manager.GetAsync());

        Assert.Equal(lead.UserPrincipalName, Assert.IsType<User>(manager).UserPrincipalName);
        Assert.Equal(customer.Content.Users.Where(u => u.ManagerId == lead.Id).Select(u => u.Id.ToString()), reports!.Value!.Select(u => u.Id));
        Assert.Equal((404, "Request_ResourceNotFound"), (none.ResponseStatusCode, none.Error!.Code));
    }

    [Fact]
    public async Task Expanding_manager_on_users_adds_the_manager_with_its_selected_properties_and_other_expansions_are_refused()
    {
        var customer = fixture.Host.ActiveCustomer();
        var graph = fixture.Clients.Graph(customer.Id);
        var report = customer.Content.Users.First(u => u.ManagerId is not null);
        var manager = customer.Content.Users.Single(u => u.Id == report.ManagerId);

        var list = await graph.Users.GetAsync(r => { r.QueryParameters.Select = ["id", "displayName"]; r.QueryParameters.Expand = ["manager($select=id,userPrincipalName)"]; r.QueryParameters.Top = 999; });
        var one = await graph.Users[report.Id.ToString()].GetAsync(r => r.QueryParameters.Expand = ["manager"]);
        var groups = await Assert.ThrowsAsync<ODataError>(() => graph.Groups.GetAsync(r => r.QueryParameters.Expand = ["owners"]));
        var devices = await Assert.ThrowsAsync<ODataError>(() => graph.Users.GetAsync(r => r.QueryParameters.Expand = ["registeredDevices"]));

        var listed = list!.Value!.Single(u => u.Id == report.Id.ToString());
        Assert.Equal(manager.UserPrincipalName, Assert.IsType<User>(listed.Manager).UserPrincipalName);
        Assert.Null(((User)listed.Manager!).DisplayName);
        Assert.All(list.Value!.Where(u => customer.Content.Users.Single(s => s.Id.ToString() == u.Id).ManagerId is null), u => Assert.Null(u.Manager));
        Assert.Equal(manager.DisplayName, ((User)one!.Manager!).DisplayName);
        Assert.Equal((501, "NotImplemented"), (groups.ResponseStatusCode, groups.Error!.Code));
        Assert.Equal((501, "NotImplemented"), (devices.ResponseStatusCode, devices.Error!.Code));
    }

    [Fact]
    public async Task A_manager_is_assigned_and_removed_and_a_user_cannot_manage_themself()
    {
        var customer = fixture.Host.ActiveCustomer(c => fixture.Host.IsWritable(c));
        var (user, manager) = (customer.Content.Users[4], customer.Content.Users[5]);
        var graph = fixture.Clients.Graph(customer.Id);

        await graph.Users[user.Id.ToString()].Manager.Ref.PutAsync(new ReferenceUpdate { OdataId = $"https://graph.microsoft.com/v1.0/users/{manager.Id}" });
        var assigned = await graph.Users[user.Id.ToString()].Manager.GetAsync();
        var self = await Assert.ThrowsAsync<ODataError>(() => graph.Users[user.Id.ToString()].Manager.Ref.PutAsync(new ReferenceUpdate { OdataId = $"https://graph.microsoft.com/v1.0/users/{user.Id}" }));
        await graph.Users[user.Id.ToString()].Manager.Ref.DeleteAsync();
        var removed = await Assert.ThrowsAsync<ODataError>(() => graph.Users[user.Id.ToString()].Manager.GetAsync());

        Assert.Equal(manager.Id.ToString(), assigned!.Id);
        Assert.Equal(400, self.ResponseStatusCode);
        Assert.Equal(404, removed.ResponseStatusCode);
        Assert.Null(user.ManagerId);
    }

    [Fact]
    public async Task Read_only_GDAP_roles_refuse_assigning_a_manager()
    {
        var customer = fixture.Host.ActiveCustomer(c => !fixture.Host.IsWritable(c));
        var user = customer.Content.Users[4];
        var before = user.ManagerId;

        var refused = await Assert.ThrowsAsync<ODataError>(() => fixture.Clients.Graph(customer.Id).Users[user.Id.ToString()].Manager.Ref
            .PutAsync(new ReferenceUpdate { OdataId = $"https://graph.microsoft.com/v1.0/users/{customer.Content.Users[0].Id}" }));

        Assert.Equal((403, "Authorization_RequestDenied"), (refused.ResponseStatusCode, refused.Error!.Code));
        Assert.Equal(before, user.ManagerId);
    }
}
