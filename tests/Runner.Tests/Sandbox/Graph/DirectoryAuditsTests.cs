using System.Text.Json;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Runner.Sandbox.Data;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox.Graph;

/// <summary>auditLogs/directoryAudits through GraphServiceClient: the seeded log, what writes through Graph add to it,
/// how long a licence keeps it, and the filters an admin-change review uses.</summary>
public sealed class DirectoryAuditsTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public async Task The_log_is_newest_first_and_kept_30_days_with_entra_id_p1_and_7_without()
    {
        var now = fixture.Host.Clock.GetUtcNow();
        var premium = fixture.Host.ActiveCustomer(c => DirectorySeeder.HasPremium(c.Content) && c.Content.DirectoryAudits.Any(a => a.ActivityDateTime < now.AddDays(-7)));
        var free = fixture.Host.ActiveCustomer(c => !DirectorySeeder.HasPremium(c.Content) && c.Content.DirectoryAudits.Any(a => a.ActivityDateTime < now.AddDays(-7)));

        var month = (await fixture.Clients.Graph(premium.Id).AuditLogs.DirectoryAudits.GetAsync(r => r.QueryParameters.Top = 999))!.Value!;
        var week = (await fixture.Clients.Graph(free.Id).AuditLogs.DirectoryAudits.GetAsync(r => r.QueryParameters.Top = 999))!.Value!;

        Assert.Equal(month.Select(a => a.ActivityDateTime).OrderDescending(), month.Select(a => a.ActivityDateTime));
        Assert.Contains(month, a => a.ActivityDateTime < now.AddDays(-7));
        Assert.All(month, a => Assert.True(a.ActivityDateTime > now.AddDays(-30)));
        Assert.Equal(free.Content.DirectoryAudits.Count(a => a.ActivityDateTime > now.AddDays(-7)), week.Count);
        Assert.All(week, a => Assert.True(a.ActivityDateTime > now.AddDays(-7)));
        Assert.All(month, a => Assert.Matches("^(Directory|IPCGraph)_[0-9a-f-]{36}_[0-9A-F]{5}_[0-9]{9}$", a.Id));
    }

    [Fact]
    public async Task A_global_administrator_added_lately_is_logged_for_a_user_who_holds_the_role()
    {
        var customer = fixture.Host.Context.Directory.Customers.First(c =>
            fixture.Host.Context.Directory.HasActiveRelationship(c, fixture.Host.Clock.GetUtcNow()) &&
            c.Content.DirectoryAudits.Any(a => a.ActivityDisplayName == "Add member to role" &&
                (DirectorySeeder.HasPremium(c.Content) || a.ActivityDateTime > fixture.Host.Clock.GetUtcNow().AddDays(-7))));
        var graph = fixture.Clients.Graph(customer.Id);

        var added = await graph.AuditLogs.DirectoryAudits.GetAsync(r => r.QueryParameters.Filter = "activityDisplayName eq 'Add member to role' and category eq 'RoleManagement'");
        var global = (await graph.DirectoryRoles.GetAsync())!.Value!.Single(r => r.DisplayName == "Global Administrator");
        var holders = await graph.DirectoryRoles[global.Id].Members.GetAsync();

        var entry = Assert.Single(added!.Value!);
        var user = entry.TargetResources!.Single(t => t.Type == "User");
        Assert.Contains(holders!.Value!, m => m.Id == user.Id);
        Assert.Contains(entry.TargetResources!, t => t.Type == "Role" && t.DisplayName == "Global Administrator");
        Assert.Equal("[\"Global Administrator\"]", user.ModifiedProperties!.Single().NewValue);
    }

    [Fact]
    public async Task Changes_made_through_graph_are_logged_as_the_partners_admin_and_never_carry_the_password()
    {
        var customer = fixture.Host.ActiveCustomer(c => fixture.Host.IsWritable(c) && c.Content.Users.Count(u => u.UserType == "Member") > 3);
        var user = customer.Content.Users.Where(u => u.UserType == "Member").Skip(3).First(u => !customer.Content.Directory.Roles.Any(r => r.MemberIds.Contains(u.Id)));
        var graph = fixture.Clients.Graph(customer.Id);
        var admin = fixture.Host.Context.Directory.PartnerAdmin;
        const string Password = "Harbour-Light-2026!";

        await graph.Users[user.Id.ToString()].PatchAsync(new User { JobTitle = "Audit Lead" });
        await graph.Users[user.Id.ToString()].PatchAsync(new User { PasswordProfile = new PasswordProfile { Password = Password } });
        await graph.Users[user.Id.ToString()].RevokeSignInSessions.PostAsRevokeSignInSessionsPostResponseAsync();
        var mine = await graph.AuditLogs.DirectoryAudits.GetAsync(r => r.QueryParameters.Filter =
            $"initiatedBy/user/userPrincipalName eq '{admin.UserPrincipalName}' and targetResources/any(t:t/id eq '{user.Id}')");
        using var http = fixture.Clients.RawGraph(customer.Id);
        var raw = await http.GetStringAsync("auditLogs/directoryAudits?$top=999");

        var entries = mine!.Value!;
        Assert.Equal(["Invalidate all refresh tokens for user", "Reset user password", "Update user"], entries.Select(a => a.ActivityDisplayName));
        Assert.All(entries, a =>
        {
            Assert.Equal(admin.Id.ToString(), a.InitiatedBy!.User!.Id);
            Assert.Equal(admin.TenantId.ToString(), a.InitiatedBy.User.AdditionalData.TryGetValue("homeTenantId", out var home) ? home?.ToString() : null);
            Assert.Equal(user.UserPrincipalName, a.TargetResources!.Single().UserPrincipalName);
            Assert.Equal(OperationResult.Success, a.Result);
        });
        var change = entries.Single(a => a.ActivityDisplayName == "Update user").TargetResources!.Single().ModifiedProperties!.Single();
        Assert.Equal(("JobTitle", "[\"Audit Lead\"]"), (change.DisplayName, change.NewValue));
        Assert.DoesNotContain(Password, raw, StringComparison.Ordinal);
        var one = await graph.AuditLogs.DirectoryAudits[entries[0].Id].GetAsync();
        Assert.Equal(entries[0].CorrelationId, one!.CorrelationId);
    }

    [Fact]
    public async Task Groups_created_and_members_added_are_logged_with_the_group_as_target()
    {
        var customer = fixture.Host.ActiveCustomer(c => fixture.Host.IsWritable(c) && fixture.Host.RolesInForce(c).Count > 1);
        var member = customer.Content.Users.First(u => u.UserType == "Member");
        var graph = fixture.Clients.Graph(customer.Id);

        var group = await graph.Groups.PostAsync(new Group { DisplayName = "Audit Trail Test", MailEnabled = false, MailNickname = "audittrail", SecurityEnabled = true });
        await graph.Groups[group!.Id].Members.Ref.PostAsync(new ReferenceCreate { OdataId = $"https://graph.microsoft.com/v1.0/directoryObjects/{member.Id}" });
        await graph.Groups[group.Id].DeleteAsync();
        var logged = await graph.AuditLogs.DirectoryAudits.GetAsync(r =>
        {
            r.QueryParameters.Filter = $"category eq 'GroupManagement' and targetResources/any(t:t/id eq '{group.Id}')";
            r.QueryParameters.Orderby = ["activityDateTime asc"];
        });

        Assert.Equal(["Add group", "Add member to group", "Delete group"], logged!.Value!.Select(a => a.ActivityDisplayName));
        Assert.Equal(member.Id.ToString(), logged.Value![1].TargetResources!.Single(t => t.Type == "User").Id);
    }

    [Fact]
    public async Task An_unsupported_order_or_operator_or_a_missing_entry_is_refused_as_graph_refuses_it()
    {
        var graph = fixture.Clients.Graph(fixture.Host.ActiveCustomer().Id);

        var order = await Assert.ThrowsAsync<ODataError>(() => graph.AuditLogs.DirectoryAudits.GetAsync(r => r.QueryParameters.Orderby = ["category"]));
        var missing = await Assert.ThrowsAsync<ODataError>(() => graph.AuditLogs.DirectoryAudits["Directory_none"].GetAsync());
        var notEqual = await Assert.ThrowsAsync<ODataError>(() => graph.AuditLogs.DirectoryAudits.GetAsync(r => r.QueryParameters.Filter = "category ne 'UserManagement'"));

        Assert.Equal((400, "Request_UnsupportedQuery"), (notEqual.ResponseStatusCode, notEqual.Error!.Code));
        Assert.Equal(400, order.ResponseStatusCode);
        Assert.Equal(404, missing.ResponseStatusCode);
    }

    [Fact]
    public void The_seeded_log_is_the_same_for_the_same_seed()
    {
        var tenant = fixture.Host.Context.Directory.Customers[0];
        var today = fixture.Host.Clock.GetUtcNow();

        var once = DirectoryAuditSeeder.Build(42, tenant, tenant.Content, today);
        var twice = DirectoryAuditSeeder.Build(42, tenant, tenant.Content, today);

        Assert.Equal(JsonSerializer.Serialize(once), JsonSerializer.Serialize(twice));
    }
}
