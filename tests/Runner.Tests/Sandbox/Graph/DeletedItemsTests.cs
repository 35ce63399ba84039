using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Runner.Sandbox.Data;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox.Graph;

/// <summary>Deleted users in /directory/deletedItems through GraphServiceClient: listed, restored with what they had,
/// purged, and the refusals "Restore deleted item" documents.</summary>
public sealed class DeletedItemsTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public async Task A_deleted_user_is_listed_with_its_object_id_before_its_name_and_restored_with_its_groups_and_licences()
    {
        var customer = Writable(0);
        var user = customer.Content.Users.First(u => u.UserType == "Member" && u.AssignedSkuIds.Count > 0 && !IsAdmin(customer, u) &&
            customer.Content.Directory.Groups.Any(g => g.MemberIds.Contains(u.Id)));
        var groups = customer.Content.Directory.Groups.Where(g => g.MemberIds.Contains(user.Id)).Select(g => g.Id.ToString()).Order().ToList();
        var skus = user.AssignedSkuIds.ToList();
        var graph = fixture.Clients.Graph(customer.Id);

        await graph.Users[user.Id.ToString()].DeleteAsync();
        var deleted = await graph.Directory.DeletedItems.GraphUser.GetAsync();
        var one = await graph.Directory.DeletedItems[user.Id.ToString()].GetAsync();
        var restored = await graph.Directory.DeletedItems[user.Id.ToString()].Restore.PostAsync();
        var read = await graph.Users[user.Id.ToString()].GetAsync(r => r.QueryParameters.Select = ["userPrincipalName", "assignedLicenses"]);
        var memberOf = await graph.Users[user.Id.ToString()].MemberOf.GraphGroup.GetAsync();
        var after = await graph.Directory.DeletedItems.GraphUser.GetAsync();

        var listed = Assert.Single(deleted!.Value!, u => u.Id == user.Id.ToString());
        Assert.Equal($"{user.Id:N}{user.UserPrincipalName}", listed.UserPrincipalName);
        Assert.InRange((fixture.Host.Clock.GetUtcNow() - listed.DeletedDateTime!.Value).TotalSeconds, 0, 5);
        Assert.Equal(user.Id.ToString(), one!.Id);
        Assert.Equal(user.UserPrincipalName, Assert.IsType<User>(restored).UserPrincipalName);
        Assert.Equal(user.UserPrincipalName, read!.UserPrincipalName);
        Assert.Equal(skus.Select(s => s.ToString()).Order(), read.AssignedLicenses!.Select(l => l.SkuId.ToString()).Order());
        Assert.Equal(groups, memberOf!.Value!.Select(g => g.Id).Order());
        Assert.DoesNotContain(after!.Value!, u => u.Id == user.Id.ToString());
    }

    [Fact]
    public async Task A_restore_is_refused_while_another_user_has_the_name_and_a_purged_user_is_gone_for_good()
    {
        var customer = Writable(1);
        var user = customer.Content.Users.Last(u => u.UserType == "Member" && !IsAdmin(customer, u));
        var graph = fixture.Clients.Graph(customer.Id);

        await graph.Users[user.Id.ToString()].DeleteAsync();
        var twin = await graph.Users.PostAsync(new User
        {
            AccountEnabled = true, DisplayName = "Replacement", MailNickname = "replacement", UserPrincipalName = user.UserPrincipalName,
            PasswordProfile = new PasswordProfile { Password = "Quiet-Harbour-2026!" },
        });
        var taken = await Assert.ThrowsAsync<ODataError>(() => graph.Directory.DeletedItems[user.Id.ToString()].Restore.PostAsync());
        await graph.Directory.DeletedItems[user.Id.ToString()].DeleteAsync();
        var gone = await Assert.ThrowsAsync<ODataError>(() => graph.Directory.DeletedItems[user.Id.ToString()].GetAsync());

        Assert.NotEqual(user.Id.ToString(), twin!.Id);
        Assert.Equal((400, "Request_BadRequest"), (taken.ResponseStatusCode, taken.Error!.Code));
        Assert.Equal(404, gone.ResponseStatusCode);
    }

    [Fact]
    public async Task A_user_administrator_deletes_and_restores_a_helpdesk_admin_but_not_a_holder_of_another_role()
    {
        var helpdesk = Guid.Parse(GdapSeeder.HelpdeskAdministrator);
        var limited = fixture.Host.ActiveCustomer(c => Standard(c) && Holder(c, r => r == helpdesk) is not null);
        var other = fixture.Host.ActiveCustomer(c => Standard(c) && Holder(c, r => r != helpdesk && r != Guid.Parse(GdapSeeder.UserAdministrator)) is not null);
        var helpdeskAdmin = Holder(limited, r => r == helpdesk)!;
        var otherAdmin = Holder(other, r => r != helpdesk && r != Guid.Parse(GdapSeeder.UserAdministrator))!;

        await fixture.Clients.Graph(limited.Id).Users[helpdeskAdmin.Id.ToString()].DeleteAsync();
        await fixture.Clients.Graph(limited.Id).Directory.DeletedItems[helpdeskAdmin.Id.ToString()].Restore.PostAsync();
        var denied = await Assert.ThrowsAsync<ODataError>(() => fixture.Clients.Graph(other.Id).Users[otherAdmin.Id.ToString()].DeleteAsync());

        Assert.Contains(limited.Content.Directory.Roles, r => r.RoleTemplateId == helpdesk && r.MemberIds.Contains(helpdeskAdmin.Id));
        Assert.Equal((403, "Authorization_RequestDenied"), (denied.ResponseStatusCode, denied.Error!.Code));
        Assert.Contains(other.Content.Users, u => u.Id == otherAdmin.Id);
    }

    /// <summary>User Administrator in force, but neither Global nor Privileged Authentication Administrator.</summary>
    private bool Standard(SandboxTenant c) =>
        fixture.Host.IsWritable(c) && !fixture.Host.RolesInForce(c).Overlaps([GdapSeeder.GlobalAdministrator, GdapSeeder.PrivilegedAuthenticationAdministrator]);

    /// <summary>A member (never the first user, the tenant's own Global Administrator) who holds only roles matching <paramref name="role"/>.</summary>
    private static SandboxUser? Holder(SandboxTenant c, Func<Guid, bool> role) =>
        c.Content.Users.Skip(1).FirstOrDefault(u => c.Content.Directory.Roles.Where(r => r.MemberIds.Contains(u.Id)) is var held &&
            held.Any() && held.All(r => role(r.RoleTemplateId)));

    [Fact]
    public async Task Deleted_items_need_a_type_cast_and_only_users_are_kept()
    {
        using var raw = fixture.Clients.RawGraph(fixture.Host.ActiveCustomer().Id);

        using var uncast = await raw.GetAsync("directory/deletedItems");
        using var groups = await raw.GetAsync("directory/deletedItems/microsoft.graph.group");

        Assert.Equal(400, (int)uncast.StatusCode);
        Assert.Equal(501, (int)groups.StatusCode);
    }

    private SandboxTenant Writable(int n) =>
        fixture.Host.Context.Directory.Customers.Where(c =>
            fixture.Host.Context.Directory.HasActiveRelationship(c, fixture.Host.Clock.GetUtcNow()) && fixture.Host.IsWritable(c)).Skip(n).First();

    private static bool IsAdmin(SandboxTenant tenant, SandboxUser user) => tenant.Content.Directory.Roles.Any(r => r.MemberIds.Contains(user.Id));
}
