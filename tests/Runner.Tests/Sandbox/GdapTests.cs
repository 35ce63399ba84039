using System.Text.RegularExpressions;
using Azure;
using Azure.Core;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Graph.Users.Item.AssignLicense;
using Runner.Sandbox.Data;

namespace Runner.Tests.Sandbox;

/// <summary>
/// GDAP as it really is: every status of Graph v1.0's delegatedAdminRelationship, several relationships per customer,
/// real ids, durations and auto-extend, and roles that decide which writes Graph and ARM accept.
/// </summary>
public sealed partial class GdapTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public async Task Every_documented_status_is_seeded_with_real_ids_durations_auto_extend_and_roles()
    {
        var graph = fixture.Clients.Graph(fixture.Host.PartnerTenantId);
        var all = new List<DelegatedAdminRelationship>();
        var first = await graph.TenantRelationships.DelegatedAdminRelationships.GetAsync();
        await PageIterator<DelegatedAdminRelationship, DelegatedAdminRelationshipCollectionResponse>.CreatePageIterator(graph, first!, r =>
        {
            all.Add(r);
            return true;
        }).IterateAsync();

        var statuses = all.Select(r => r.Status!.Value).Distinct().ToHashSet();
        foreach (var status in new[]
                 {
                     DelegatedAdminRelationshipStatus.Activating, DelegatedAdminRelationshipStatus.Active, DelegatedAdminRelationshipStatus.ApprovalPending,
                     DelegatedAdminRelationshipStatus.Approved, DelegatedAdminRelationshipStatus.Created, DelegatedAdminRelationshipStatus.Expired,
                     DelegatedAdminRelationshipStatus.Expiring, DelegatedAdminRelationshipStatus.Terminated, DelegatedAdminRelationshipStatus.Terminating,
                     DelegatedAdminRelationshipStatus.TerminationRequested,
                 })
        {
            Assert.Contains(status, statuses);
        }

        Assert.All(all, r => Assert.Matches(RelationshipId(), r.Id!));
        Assert.True(all.GroupBy(r => r.Customer!.TenantId).Count(g => g.Count() > 1) >= 5, "most customers have several relationships");
        Assert.Contains(all, r => r.Duration == TimeSpan.FromDays(730));
        Assert.All(all, r => Assert.InRange(r.Duration!.Value, TimeSpan.FromDays(1), TimeSpan.FromDays(730)));
        var globalAdmin = all.Where(r => r.AccessDetails!.UnifiedRoles!.Any(u => u.RoleDefinitionId == GdapSeeder.GlobalAdministrator) && r.Status == DelegatedAdminRelationshipStatus.Active).ToList();
        Assert.NotEmpty(globalAdmin);
        Assert.All(globalAdmin, r => Assert.Equal(TimeSpan.Zero, r.AutoExtendDuration));
        Assert.Contains(all, r => r.AutoExtendDuration == TimeSpan.FromDays(180));
        Assert.All(all.Where(r => r.Status == DelegatedAdminRelationshipStatus.ApprovalPending), r => Assert.Null(r.EndDateTime));
    }

    [Fact]
    public async Task A_graph_write_the_relationships_roles_do_not_allow_is_403_Authorization_RequestDenied()
    {
        var readOnly = CustomerWhoseRolesAre(roles => !roles.Contains(GdapSeeder.LicenseAdministrator) && !roles.Contains(GdapSeeder.UserAdministrator) && !roles.Contains(GdapSeeder.GlobalAdministrator));
        var graph = fixture.Clients.Graph(readOnly.Id);
        var user = readOnly.Content.Users[0];

        var error = await Assert.ThrowsAsync<ODataError>(() => graph.Users[user.Id.ToString()].AssignLicense.PostAsync(new AssignLicensePostRequestBody
        {
            AddLicenses = [new AssignedLicense { SkuId = Guid.NewGuid() }],
            RemoveLicenses = [],
        }));

        Assert.Equal(403, error.ResponseStatusCode);
        Assert.Equal("Authorization_RequestDenied", error.Error!.Code);
        Assert.Equal("Insufficient privileges to complete the operation.", error.Error.Message);
    }

    [Fact]
    public async Task An_arm_write_by_a_partner_with_read_only_roles_is_403_AuthorizationFailed_and_reads_still_work()
    {
        var readOnly = CustomerWhoseRolesAre(roles => roles.All(r => r is GdapSeeder.DirectoryReaders or GdapSeeder.GlobalReader or GdapSeeder.SecurityReader or GdapSeeder.ReportsReader),
            c => c.Content.AzureSubscriptions.Count > 0);
        var arm = fixture.Clients.Arm(readOnly.Id);
        var seeded = readOnly.Content.AzureSubscriptions[0];
        var subscription = (await arm.GetSubscriptions().GetAsync(seeded.SubscriptionId)).Value;
        var group = (await subscription.GetResourceGroups().GetAsync(seeded.ResourceGroups[0].Name)).Value;

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => group.AddTagAsync("costCenter", "CC-1"));

        Assert.Equal((403, "AuthorizationFailed"), (error.Status, error.ErrorCode));
        Assert.Contains("Microsoft.Resources/tags/write", error.Message);
        Assert.DoesNotContain("costCenter", seeded.ResourceGroups[0].Tags.Keys);
    }

    private SandboxTenant CustomerWhoseRolesAre(Func<IReadOnlySet<string>, bool> roles, Func<SandboxTenant, bool>? also = null)
    {
        var directory = fixture.Host.Context.Directory;
        var now = fixture.Host.Clock.GetUtcNow();
        return directory.Customers.First(c => directory.HasActiveRelationship(c, now) && roles(directory.GrantedRoles(c.Id, now)) && (also?.Invoke(c) ?? true));
    }

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    private static partial Regex RelationshipId();
}
