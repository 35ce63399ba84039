using Microsoft.Graph.Models;
using Runner.Sandbox.Data;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox.Graph;

/// <summary>roleManagement/directory through GraphServiceClient: the same role holders as /directoryRoles, filtered
/// and expanded as "who are the admins" scripts ask.</summary>
public sealed class RoleManagementTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public async Task Global_administrators_by_role_assignment_are_the_members_of_the_directory_role()
    {
        var customer = fixture.Host.ActiveCustomer();
        var graph = fixture.Clients.Graph(customer.Id);
        var globalAdmin = DirectorySeeder.RoleTemplates[0].Template.ToString();

        var definitions = await graph.RoleManagement.Directory.RoleDefinitions.GetAsync(r => r.QueryParameters.Filter = "displayName eq 'Global Administrator'");
        var assignments = await graph.RoleManagement.Directory.RoleAssignments.GetAsync(r =>
        {
            r.QueryParameters.Filter = $"roleDefinitionId eq '{globalAdmin}'";
            r.QueryParameters.Expand = ["principal"];
        });
        var role = (await graph.DirectoryRoles.GetAsync())!.Value!.Single(r => r.RoleTemplateId == globalAdmin);
        var members = await graph.DirectoryRoles[role.Id].Members.GetAsync();

        Assert.Equal(globalAdmin, Assert.Single(definitions!.Value!).Id);
        Assert.Equal(members!.Value!.Select(m => m.Id).Order(), assignments!.Value!.Select(a => a.PrincipalId).Order());
        Assert.All(assignments.Value!, a =>
        {
            Assert.Equal("/", a.DirectoryScopeId);
            Assert.Equal(a.PrincipalId, Assert.IsType<User>(a.Principal).Id);
        });
        var one = await graph.RoleManagement.Directory.RoleAssignments[assignments.Value![0].Id].GetAsync();
        Assert.Equal(assignments.Value[0].PrincipalId, one!.PrincipalId);
    }

    [Fact]
    public async Task A_users_roles_are_found_by_principal_id()
    {
        var customer = fixture.Host.ActiveCustomer(c => c.Content.Directory.Roles.Count(r => r.MemberIds.Contains(c.Content.Users[0].Id)) >= 1);
        var user = customer.Content.Users[0];

        var assignments = await fixture.Clients.Graph(customer.Id).RoleManagement.Directory.RoleAssignments.GetAsync(r =>
        {
            r.QueryParameters.Filter = $"principalId eq '{user.Id}'";
            r.QueryParameters.Expand = ["roleDefinition"];
        });

        Assert.Equal(customer.Content.Directory.Roles.Where(r => r.MemberIds.Contains(user.Id)).Select(r => r.DisplayName).Order(),
            assignments!.Value!.Select(a => a.RoleDefinition!.DisplayName).Order());
    }
}
