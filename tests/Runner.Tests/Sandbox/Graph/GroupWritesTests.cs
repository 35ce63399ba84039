using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Runner.Sandbox.Data;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox.Graph;

/// <summary>Creating, renaming and deleting groups through GraphServiceClient, with Graph's refusals.</summary>
public sealed class GroupWritesTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public async Task A_security_group_created_with_members_and_owners_is_listed_read_and_its_members_see_it()
    {
        var customer = Writable(0);
        var (member, owner) = (customer.Content.Users[1], customer.Content.Users[2]);
        var graph = fixture.Clients.Graph(customer.Id);

        var created = await graph.Groups.PostAsync(new Group
        {
            DisplayName = "Contoso Breakglass",
            Description = "Accounts excluded from Conditional Access",
            MailEnabled = false,
            MailNickname = "breakglass",
            SecurityEnabled = true,
            AdditionalData = new Dictionary<string, object>
            {
                ["members@odata.bind"] = new[] { $"https://graph.microsoft.com/v1.0/directoryObjects/{member.Id}" },
                ["owners@odata.bind"] = new[] { $"https://graph.microsoft.com/v1.0/users/{owner.Id}" },
            },
        });
        var listed = await graph.Groups.GetAsync();
        var members = await graph.Groups[created!.Id].Members.GetAsync();
        var owners = await graph.Groups[created.Id].Owners.GetAsync();
        var memberOf = await graph.Users[member.Id.ToString()].MemberOf.GraphGroup.GetAsync();

        Assert.True(Guid.TryParse(created.Id, out _));
        Assert.Equal((true, false, "breakglass"), (created.SecurityEnabled, created.MailEnabled, created.MailNickname));
        Assert.Empty(created.GroupTypes!);
        Assert.Contains(listed!.Value!, g => g.Id == created.Id && g.DisplayName == "Contoso Breakglass");
        Assert.Equal([member.Id.ToString()], members!.Value!.Select(m => m.Id));
        Assert.Equal([owner.Id.ToString()], owners!.Value!.Select(m => m.Id));
        Assert.Contains(memberOf!.Value!, g => g.Id == created.Id);
    }

    [Fact]
    public async Task A_microsoft_365_group_gets_a_mail_address_and_its_nickname_cannot_be_taken_twice()
    {
        var customer = Writable(1);
        var graph = fixture.Clients.Graph(customer.Id);
        Group Unified() => new() { DisplayName = "Project Falcon", MailEnabled = true, MailNickname = "falcon", SecurityEnabled = false, GroupTypes = ["Unified"], Visibility = "Private" };

        var created = await graph.Groups.PostAsync(Unified());
        var again = await Assert.ThrowsAsync<ODataError>(() => graph.Groups.PostAsync(Unified()));

        Assert.Equal(["Unified"], created!.GroupTypes);
        Assert.Equal($"falcon@{customer.Domain}", created.Mail);
        Assert.Equal("Private", created.Visibility);
        Assert.Equal((400, "Request_BadRequest"), (again.ResponseStatusCode, again.Error!.Code));
        Assert.Single(customer.Content.Directory.Groups, g => g.MailNickname == "falcon");
    }

    [Fact]
    public async Task A_renamed_group_reads_renamed_and_a_deleted_one_is_gone()
    {
        var customer = Writable(2);
        var group = customer.Content.Directory.Groups.First(g => g.DisplayName == "Sales");
        var members = group.MemberIds.Count;
        var graph = fixture.Clients.Graph(customer.Id);

        await graph.Groups[group.Id.ToString()].PatchAsync(new Group { DisplayName = "Sales EMEA", Description = "Sales in Europe" });
        var renamed = await graph.Groups[group.Id.ToString()].GetAsync();
        var stillMembers = await graph.Groups[group.Id.ToString()].Members.GetAsync();
        await graph.Groups[group.Id.ToString()].DeleteAsync();
        var gone = await Assert.ThrowsAsync<ODataError>(() => graph.Groups[group.Id.ToString()].GetAsync());
        var list = await graph.Groups.GetAsync();

        Assert.Equal(("Sales EMEA", "Sales in Europe"), (renamed!.DisplayName, renamed.Description));
        Assert.Equal(members, stillMembers!.Value!.Count);
        Assert.Equal((404, "Request_ResourceNotFound"), (gone.ResponseStatusCode, gone.Error!.Code));
        Assert.DoesNotContain(list!.Value!, g => g.Id == group.Id.ToString());
    }

    [Fact]
    public async Task Expanding_members_gives_each_group_its_first_twenty_members_and_listing_members_gives_them_all()
    {
        var customer = fixture.Host.ActiveCustomer(c => c.Content.Directory.Groups[0].MemberIds.Count > 20);
        var allStaff = customer.Content.Directory.Groups[0];
        var graph = fixture.Clients.Graph(customer.Id);

        var expanded = await graph.Groups.GetAsync(r => { r.QueryParameters.Expand = ["members($select=id,userPrincipalName)"]; r.QueryParameters.Select = ["id", "displayName"]; });
        var one = await graph.Groups[allStaff.Id.ToString()].GetAsync(r => r.QueryParameters.Expand = ["members"]);
        var listed = await graph.Groups[allStaff.Id.ToString()].Members.GetAsync(r => r.QueryParameters.Top = 999);
        var unknown = await Assert.ThrowsAsync<ODataError>(() => graph.Groups.GetAsync(r => r.QueryParameters.Expand = ["members($select=colour)"]));

        var group = expanded!.Value!.Single(g => g.Id == allStaff.Id.ToString());
        Assert.Equal(20, group.Members!.Count);
        Assert.All(group.Members!, m => Assert.NotNull(Assert.IsType<User>(m).UserPrincipalName));
        Assert.Null(((User)group.Members![0]).DisplayName);
        Assert.Equal(20, one!.Members!.Count);
        Assert.Equal(allStaff.MemberIds.Count, listed!.Value!.Count);
        Assert.Equal(400, unknown.ResponseStatusCode);
    }

    [Theory]
    [InlineData("""{"displayName": "No nickname", "mailEnabled": false, "securityEnabled": true}""", 400, "A value is required for property 'mailNickname' of resource 'Group'.")]
    [InlineData("""{"displayName": "Mail security", "mailEnabled": true, "mailNickname": "mailsec", "securityEnabled": true}""", 400, "Creating mail-enabled security groups or distribution lists is not supported through Microsoft Graph.")]
    [InlineData("""{"displayName": "Bad nick", "mailEnabled": false, "mailNickname": "bad nick", "securityEnabled": true}""", 400, "Invalid value specified for property 'mailNickname' of resource 'Group'.")]
    [InlineData("""{"displayName": "X", "mailEnabled": false, "mailNickname": "x", "securityEnabled": true, "colour": "red"}""", 400, "Invalid property 'colour'.")]
    [InlineData("""{"displayName": "X", "mailEnabled": false, "mailNickname": "x", "securityEnabled": true, "mail": "x@y"}""", 400, "Property 'mail' is read-only and cannot be set.")]
    [InlineData("""{"displayName": "X", "mailEnabled": false, "mailNickname": "x", "securityEnabled": true, "isAssignableToRole": true}""", 501, "The sandbox does not store the group property 'isAssignableToRole'.")]
    public async Task A_group_graph_refuses_is_refused_and_nothing_is_created(string body, int status, string message)
    {
        var customer = Writable(3);
        var before = customer.Content.Directory.Groups.Count;
        using var raw = fixture.Clients.RawGraph(customer.Id);

        using var response = await raw.PostAsync("groups", new StringContent(body, Encoding.UTF8, "application/json"));
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal((HttpStatusCode)status, response.StatusCode);
        Assert.StartsWith(message, (string?)error["message"], StringComparison.Ordinal);
        Assert.Equal(before, customer.Content.Directory.Groups.Count);
    }

    [Fact]
    public async Task A_member_that_is_not_in_the_tenant_fails_the_creation_with_404()
    {
        var customer = Writable(3);
        var other = fixture.Host.Context.Directory.Customers.First(c => c != customer).Content.Users[0];
        var graph = fixture.Clients.Graph(customer.Id);

        var refused = await Assert.ThrowsAsync<ODataError>(() => graph.Groups.PostAsync(new Group
        {
            DisplayName = "Strangers", MailEnabled = false, MailNickname = "strangers", SecurityEnabled = true,
            AdditionalData = new Dictionary<string, object> { ["members@odata.bind"] = new[] { $"https://graph.microsoft.com/v1.0/directoryObjects/{other.Id}" } },
        }));

        Assert.Equal((404, "Request_ResourceNotFound"), (refused.ResponseStatusCode, refused.Error!.Code));
        Assert.DoesNotContain(customer.Content.Directory.Groups, g => g.DisplayName == "Strangers");
    }

    [Fact]
    public async Task Read_only_GDAP_roles_refuse_group_writes_with_403()
    {
        var customer = fixture.Host.Context.Directory.Customers.First(c =>
            fixture.Host.Context.Directory.HasActiveRelationship(c, fixture.Host.Clock.GetUtcNow()) && !fixture.Host.IsWritable(c));
        var graph = fixture.Clients.Graph(customer.Id);

        var create = await Assert.ThrowsAsync<ODataError>(() => graph.Groups.PostAsync(new Group { DisplayName = "Nope", MailEnabled = false, MailNickname = "nope", SecurityEnabled = true }));
        var delete = await Assert.ThrowsAsync<ODataError>(() => graph.Groups[customer.Content.Directory.Groups[0].Id.ToString()].DeleteAsync());

        Assert.Equal((403, "Authorization_RequestDenied"), (create.ResponseStatusCode, create.Error!.Code));
        Assert.Equal(403, delete.ResponseStatusCode);
        Assert.Equal(6, customer.Content.Directory.Groups.Count);
    }

    /// <summary>The n-th customer whose GDAP roles allow group writes: each test changes its own.</summary>
    [Fact]
    public async Task An_owner_is_added_and_removed_by_reference_and_adding_one_twice_is_refused()
    {
        var customer = Writable(2);
        var group = customer.Content.Directory.Groups[0];
        var owner = customer.Content.Users.First(u => u.UserType == "Member" && !group.OwnerIds.Contains(u.Id));
        var graph = fixture.Clients.Graph(customer.Id);
        var reference = new ReferenceCreate { OdataId = $"https://graph.microsoft.com/v1.0/directoryObjects/{owner.Id}" };

        await graph.Groups[group.Id.ToString()].Owners.Ref.PostAsync(reference);
        var twice = await Assert.ThrowsAsync<ODataError>(() => graph.Groups[group.Id.ToString()].Owners.Ref.PostAsync(reference));
        var owners = await graph.Groups[group.Id.ToString()].Owners.GetAsync();
        await graph.Groups[group.Id.ToString()].Owners[owner.Id.ToString()].Ref.DeleteAsync();
        var after = await graph.Groups[group.Id.ToString()].Owners.GetAsync();

        Assert.Contains(owners!.Value!, o => o.Id == owner.Id.ToString());
        Assert.Equal(400, twice.ResponseStatusCode);
        Assert.DoesNotContain(after!.Value!, o => o.Id == owner.Id.ToString());
    }

    private SandboxTenant Writable(int n) =>
        fixture.Host.Context.Directory.Customers.Where(c =>
            fixture.Host.Context.Directory.HasActiveRelationship(c, fixture.Host.Clock.GetUtcNow()) && fixture.Host.IsWritable(c)).Skip(n).First();
}
