using Microsoft.Graph.Models.ODataErrors;
using Runner.Sandbox.Data;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox.Graph;

/// <summary>$filter on groups and directory roles as scripts write it, and query options an endpoint does not apply
/// answered 501 rather than ignored (a job would otherwise read every item as if it were the filtered few).</summary>
public sealed class QueryOptionsTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public async Task Groups_filter_by_type_security_and_name_as_graph_does()
    {
        var customer = fixture.Host.ActiveCustomer(c => c.Content.Directory.Groups.Any(g => g.IsMicrosoft365) && c.Content.Directory.Groups.Any(g => !g.IsMicrosoft365));
        var groups = customer.Content.Directory.Groups;
        var graph = fixture.Clients.Graph(customer.Id);

        var unified = await graph.Groups.GetAsync(r => r.QueryParameters.Filter = "groupTypes/any(c:c eq 'Unified')");
        var security = await graph.Groups.GetAsync(r => r.QueryParameters.Filter = $"securityEnabled eq true and startswith(displayName,'{groups.First(g => !g.IsMicrosoft365).DisplayName[..2]}')");
        var teams = await graph.Groups.GetAsync(r => r.QueryParameters.Filter = "resourceProvisioningOptions/any(x:x eq 'Team')");

        Assert.Equal(groups.Where(g => g.IsMicrosoft365).Select(g => g.Id.ToString()).Order(), unified!.Value!.Select(g => g.Id).Order());
        Assert.NotEmpty(security!.Value!);
        Assert.All(security.Value!, g => Assert.True(g.SecurityEnabled));
        Assert.True(security.Value!.Count < groups.Count);
        Assert.Empty(teams!.Value!);
    }

    [Fact]
    public async Task A_directory_role_is_found_by_its_template_id()
    {
        var graph = fixture.Clients.Graph(fixture.Host.ActiveCustomer().Id);
        var template = DirectorySeeder.RoleTemplates[0].Template;

        var roles = await graph.DirectoryRoles.GetAsync(r => r.QueryParameters.Filter = $"roleTemplateId eq '{template}'");

        Assert.Equal("Global Administrator", Assert.Single(roles!.Value!).DisplayName);
    }

    [Fact]
    public async Task Counting_groups_needs_the_advanced_query_header_as_for_users()
    {
        var customer = fixture.Host.ActiveCustomer();
        var graph = fixture.Clients.Graph(customer.Id);

        var refused = await Assert.ThrowsAsync<ODataError>(() => graph.Groups.GetAsync(r => r.QueryParameters.Count = true));
        var counted = await graph.Groups.GetAsync(r =>
        {
            r.QueryParameters.Count = true;
            r.QueryParameters.Top = 1;
            r.Headers.Add("ConsistencyLevel", "eventual");
        });

        Assert.Equal((400, "Request_UnsupportedQuery"), (refused.ResponseStatusCode, refused.Error!.Code));
        Assert.Equal(customer.Content.Directory.Groups.Count, counted!.OdataCount);
        Assert.Single(counted.Value!);
    }

    [Fact]
    public async Task Unlicensed_users_are_found_by_counting_their_licences_in_an_advanced_query()
    {
        var customer = fixture.Host.ActiveCustomer(c => c.Content.Users.Any(u => u.AssignedSkuIds.Count == 0));
        var graph = fixture.Clients.Graph(customer.Id);

        var plain = await Assert.ThrowsAsync<ODataError>(() => graph.Users.GetAsync(r => r.QueryParameters.Filter = "assignedLicenses/$count eq 0"));
        var unlicensed = await graph.Users.GetAsync(r =>
        {
            r.QueryParameters.Filter = "assignedLicenses/$count eq 0";
            r.QueryParameters.Count = true;
            r.QueryParameters.Top = 999;
            r.Headers.Add("ConsistencyLevel", "eventual");
        });

        Assert.Equal(400, plain.ResponseStatusCode);
        Assert.Equal(customer.Content.Users.Where(u => u.AssignedSkuIds.Count == 0).Select(u => u.Id.ToString()).Order(), unlicensed!.Value!.Select(u => u.Id).Order());
        Assert.Equal(unlicensed.Value!.Count, unlicensed.OdataCount);
    }

    [Fact]
    public async Task A_query_option_an_endpoint_does_not_apply_is_501_naming_it()
    {
        var graph = fixture.Clients.Graph(fixture.Host.ActiveCustomer().Id);

        var filter = await Assert.ThrowsAsync<ODataError>(() => graph.Domains.GetAsync(r => r.QueryParameters.Filter = "isVerified eq true"));
        var order = await Assert.ThrowsAsync<ODataError>(() => graph.Groups.GetAsync(r => r.QueryParameters.Orderby = ["displayName"]));

        Assert.Equal((501, "NotImplemented"), (filter.ResponseStatusCode, filter.Error!.Code));
        Assert.Contains("$filter=isVerified eq true", filter.Error.Message);
        Assert.Equal(501, order.ResponseStatusCode);
    }
}
