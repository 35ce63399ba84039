using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Runner.Sandbox.Data;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox.Graph;

/// <summary>
/// Writes to users and group members through GraphServiceClient change the sandbox for good: the next read, list,
/// filter and related resource (group members, subscribedSkus) show them; refusals change nothing.
/// </summary>
public sealed class UserWritesTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public async Task A_disabled_user_reads_as_disabled_and_is_found_by_the_accountEnabled_filter_until_enabled_again()
    {
        var customer = Writable(0);
        var user = customer.Content.Users.First(u => u.AccountEnabled && u.UserType == "Member" && u != customer.Content.Users[0]);
        var graph = fixture.Clients.Graph(customer.Id);

        await graph.Users[user.Id.ToString()].PatchAsync(new User { AccountEnabled = false });
        var read = await graph.Users[user.Id.ToString()].GetAsync(r => r.QueryParameters.Select = ["id", "accountEnabled"]);
        var disabled = await graph.Users.GetAsync(r => { r.QueryParameters.Filter = "accountEnabled eq false"; r.QueryParameters.Top = 999; });
        await graph.Users[user.UserPrincipalName].PatchAsync(new User { AccountEnabled = true });
        var enabledAgain = await graph.Users.GetAsync(r => { r.QueryParameters.Filter = "accountEnabled eq false"; r.QueryParameters.Top = 999; });

        Assert.False(read!.AccountEnabled);
        Assert.Contains(user.Id.ToString(), disabled!.Value!.Select(u => u.Id));
        Assert.DoesNotContain(user.Id.ToString(), enabledAgain!.Value!.Select(u => u.Id));
        Assert.True(user.AccountEnabled);
    }

    [Fact]
    public async Task Profile_properties_are_updated_with_204_and_read_back()
    {
        var customer = Writable(1);
        var user = customer.Content.Users[2];
        using var raw = fixture.Clients.RawGraph(customer.Id);
        var graph = fixture.Clients.Graph(customer.Id);

        using var response = await raw.PatchAsync($"users/{user.Id}", Json("""
            {"displayName": "Adele V.", "givenName": "Adele", "surname": "Vance", "jobTitle": "Retail Manager", "department": "Sales",
             "usageLocation": "NL", "mobilePhone": "+31 6 1234 5678", "officeLocation": "Amsterdam", "city": "Amsterdam", "country": "Netherlands"}
            """));
        var read = await graph.Users[user.Id.ToString()].GetAsync(r => r.QueryParameters.Select =
            ["displayName", "givenName", "surname", "jobTitle", "department", "usageLocation", "mobilePhone", "officeLocation", "city", "country"]);
        var inSales = await graph.Users.GetAsync(r => r.QueryParameters.Filter = "department eq 'Sales'");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(0, response.Content.Headers.ContentLength ?? 0);
        Assert.Equal(("Adele V.", "Adele", "Vance", "Retail Manager", "Sales", "NL", "+31 6 1234 5678", "Amsterdam", "Amsterdam", "Netherlands"),
            (read!.DisplayName, read.GivenName, read.Surname, read.JobTitle, read.Department, read.UsageLocation, read.MobilePhone, read.OfficeLocation, read.City, read.Country));
        Assert.Equal([user.Id.ToString()], inSales!.Value!.Select(u => u.Id));
    }

    [Theory]
    [InlineData("""{"favouriteColour": "blue"}""", "Request_BadRequest", "Invalid property 'favouriteColour'.")]
    [InlineData("""{"jobTitle": "CEO", "createdDateTime": "2020-01-01T00:00:00Z"}""", "Request_BadRequest", "Property 'createdDateTime' is read-only and cannot be set.")]
    [InlineData("""{"accountEnabled": "no"}""", "BadRequest", "Cannot convert a primitive value to the expected type 'Edm.Boolean'.")]
    [InlineData("""{"displayName": ""}""", "Request_BadRequest", "Invalid value specified for property 'displayName' of resource 'User'.")]
    [InlineData("""{"usageLocation": null}""", "Request_BadRequest", "Invalid value specified for property 'usageLocation' of resource 'User'.")]
    [InlineData("""{"userPrincipalName": "someone@contoso.com"}""", "Request_BadRequest", "The domain portion of the userPrincipalName property is invalid.")]
    public async Task A_bad_update_is_refused_with_400_in_Graphs_envelope_and_changes_nothing(string body, string code, string message)
    {
        var customer = Writable(1);
        var user = customer.Content.Users[3];
        var before = (user.DisplayName, user.JobTitle, user.AccountEnabled, user.UsageLocation, user.UserPrincipalName);
        using var raw = fixture.Clients.RawGraph(customer.Id);

        using var response = await raw.PatchAsync($"users/{user.Id}", Json(body));
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, (string)error["code"]!);
        Assert.StartsWith(message, (string)error["message"]!);
        Assert.NotNull(error["innerError"]!["request-id"]);
        Assert.Equal(before, (user.DisplayName, user.JobTitle, user.AccountEnabled, user.UsageLocation, user.UserPrincipalName));
    }

    [Fact]
    public async Task An_unknown_property_sent_through_the_SDK_is_refused()
    {
        var customer = Writable(1);
        var user = customer.Content.Users[4];

        var error = await Assert.ThrowsAsync<ODataError>(() => fixture.Clients.Graph(customer.Id).Users[user.Id.ToString()]
            .PatchAsync(new User { AdditionalData = new Dictionary<string, object> { ["favouriteColour"] = "blue" } }));

        Assert.Equal((400, "Request_BadRequest"), (error.ResponseStatusCode, error.Error!.Code));
    }

    [Fact]
    public async Task An_unknown_user_is_404_Request_ResourceNotFound_to_update_and_delete()
    {
        var graph = fixture.Clients.Graph(Writable(1).Id);
        var nobody = Guid.NewGuid().ToString();

        var update = await Assert.ThrowsAsync<ODataError>(() => graph.Users[nobody].PatchAsync(new User { AccountEnabled = false }));
        var delete = await Assert.ThrowsAsync<ODataError>(() => graph.Users[nobody].DeleteAsync());

        Assert.Equal((404, "Request_ResourceNotFound"), (update.ResponseStatusCode, update.Error!.Code));
        Assert.Equal((404, "Request_ResourceNotFound"), (delete.ResponseStatusCode, delete.Error!.Code));
    }

    [Fact]
    public async Task A_deleted_user_is_gone_from_reads_lists_and_groups_and_its_licence_is_free_again()
    {
        var customer = Writable(2);
        var user = customer.Content.Users.Skip(1).First(u => u.AssignedSkuIds.Count > 0);
        var sku = user.AssignedSkuIds[0];
        var graph = fixture.Clients.Graph(customer.Id);
        var allStaff = customer.Content.Directory.Groups.Single(g => g.DisplayName == "All Staff").Id.ToString();
        var consumedBefore = (await graph.SubscribedSkus.GetAsync())!.Value!.Single(s => s.SkuId == sku).ConsumedUnits;

        await graph.Users[user.Id.ToString()].DeleteAsync();
        var read = await Assert.ThrowsAsync<ODataError>(() => graph.Users[user.Id.ToString()].GetAsync());
        var list = await graph.Users.GetAsync(r => r.QueryParameters.Top = 999);
        var members = await graph.Groups[allStaff].Members.GetAsync(r => r.QueryParameters.Top = 999);
        var consumedAfter = (await graph.SubscribedSkus.GetAsync())!.Value!.Single(s => s.SkuId == sku).ConsumedUnits;
        var again = await Assert.ThrowsAsync<ODataError>(() => graph.Users[user.Id.ToString()].DeleteAsync());

        Assert.Equal(404, read.ResponseStatusCode);
        Assert.DoesNotContain(user.Id.ToString(), list!.Value!.Select(u => u.Id));
        Assert.DoesNotContain(user.Id.ToString(), members!.Value!.Select(m => m.Id));
        Assert.Equal(consumedBefore - 1, consumedAfter);
        Assert.Equal(404, again.ResponseStatusCode);
    }

    [Fact]
    public async Task A_created_user_is_201_and_listed_and_a_taken_or_foreign_userPrincipalName_is_refused()
    {
        var customer = Writable(2);
        var graph = fixture.Clients.Graph(customer.Id);
        User NewUser(string upn) => new()
        {
            AccountEnabled = true,
            DisplayName = "Nestor Wilke",
            MailNickname = "nestorw",
            UserPrincipalName = upn,
            PasswordProfile = new PasswordProfile { Password = "xWwvJ]6NMw+bWH-d", ForceChangePasswordNextSignIn = true },
        };

        var created = await graph.Users.PostAsync(NewUser($"nestorw@{customer.Domain}"));
        var read = await graph.Users[$"nestorw@{customer.Domain}"].GetAsync();
        var taken = await Assert.ThrowsAsync<ODataError>(() => graph.Users.PostAsync(NewUser($"NestorW@{customer.Domain}")));
        var foreign = await Assert.ThrowsAsync<ODataError>(() => graph.Users.PostAsync(NewUser("nestorw@contoso.com")));
        var weak = NewUser($"weak@{customer.Domain}");
        weak.PasswordProfile!.Password = "password";
        var refusedPassword = await Assert.ThrowsAsync<ODataError>(() => graph.Users.PostAsync(weak));

        Assert.Equal(created!.Id, read!.Id);
        Assert.Equal("Nestor Wilke", read.DisplayName);
        Assert.Contains(customer.Content.Users, u => u.Id.ToString() == created.Id && u.AccountEnabled);
        Assert.Equal((400, "Another object with the same value for property userPrincipalName already exists."), (taken.ResponseStatusCode, taken.Error!.Message));
        Assert.Equal(400, foreign.ResponseStatusCode);
        Assert.Contains("verified domain", foreign.Error!.Message);
        Assert.Contains("password complexity", refusedPassword.Error!.Message);
    }

    [Fact]
    public async Task A_member_added_and_removed_by_reference_shows_in_the_members_list_and_removing_it_twice_is_404()
    {
        var customer = Writable(3);
        var graph = fixture.Clients.Graph(customer.Id);
        var group = customer.Content.Directory.Groups.Single(g => g.DisplayName == "Finance");
        var user = customer.Content.Users.First(u => u.UserType == "Member" && !group.MemberIds.Contains(u.Id));

        await graph.Groups[group.Id.ToString()].Members.Ref.PostAsync(new ReferenceCreate { OdataId = $"https://graph.microsoft.com/v1.0/directoryObjects/{user.Id}" });
        var added = await graph.Groups[group.Id.ToString()].Members.GetAsync(r => r.QueryParameters.Top = 999);
        await graph.Groups[group.Id.ToString()].Members[user.Id.ToString()].Ref.DeleteAsync();
        var removed = await graph.Groups[group.Id.ToString()].Members.GetAsync(r => r.QueryParameters.Top = 999);
        var twice = await Assert.ThrowsAsync<ODataError>(() => graph.Groups[group.Id.ToString()].Members[user.Id.ToString()].Ref.DeleteAsync());

        Assert.Contains(user.Id.ToString(), added!.Value!.Select(m => m.Id));
        Assert.DoesNotContain(user.Id.ToString(), removed!.Value!.Select(m => m.Id));
        Assert.Equal((404, "Request_ResourceNotFound"), (twice.ResponseStatusCode, twice.Error!.Code));
    }

    [Fact]
    public async Task Read_only_GDAP_roles_refuse_user_writes_with_403()
    {
        var customer = fixture.Host.Context.Directory.Customers.First(c =>
            fixture.Host.Context.Directory.HasActiveRelationship(c, fixture.Host.Clock.GetUtcNow()) && !fixture.Host.IsWritable(c));
        var user = customer.Content.Users[1];
        var graph = fixture.Clients.Graph(customer.Id);

        var update = await Assert.ThrowsAsync<ODataError>(() => graph.Users[user.Id.ToString()].PatchAsync(new User { AccountEnabled = !user.AccountEnabled }));
        var delete = await Assert.ThrowsAsync<ODataError>(() => graph.Users[user.Id.ToString()].DeleteAsync());

        Assert.Equal((403, "Authorization_RequestDenied"), (update.ResponseStatusCode, update.Error!.Code));
        Assert.Equal(403, delete.ResponseStatusCode);
        Assert.Contains(customer.Content.Users, u => u == user);
    }

    /// <summary>The n-th customer whose GDAP roles allow user writes: each test changes its own.</summary>
    private SandboxTenant Writable(int n) =>
        fixture.Host.Context.Directory.Customers.Where(c =>
            fixture.Host.Context.Directory.HasActiveRelationship(c, fixture.Host.Clock.GetUtcNow()) && fixture.Host.IsWritable(c) &&
            c.Content.Users.Skip(1).Any(u => u.AssignedSkuIds.Count > 0)).Skip(n).First();

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
