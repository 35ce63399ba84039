using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Runner.Sandbox.Data;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox.Graph;

/// <summary>Intune's managed devices through GraphServiceClient, with the licence and GDAP roles Intune requires.</summary>
public sealed class ManagedDevicesTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public async Task Every_seeded_device_is_listed_and_filters_on_compliance_and_last_sync_pick_the_seeded_ones()
    {
        var customer = Customer(c => DeviceSeeder.IsLicensed(c.Content) && Roles(c).Contains(GdapSeeder.IntuneAdministrator));
        var seeded = customer.Content.ManagedDevices;
        var graph = fixture.Clients.Graph(customer.Id);
        var monthAgo = fixture.Host.Clock.GetUtcNow().AddDays(-30);

        var all = await graph.DeviceManagement.ManagedDevices.GetAsync(r => r.QueryParameters.Top = 999);
        var noncompliant = await graph.DeviceManagement.ManagedDevices.GetAsync(r => r.QueryParameters.Filter = "complianceState eq 'noncompliant'");
        var stale = await graph.DeviceManagement.ManagedDevices.GetAsync(r =>
        {
            r.QueryParameters.Filter = $"lastSyncDateTime le {monthAgo.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}";
            r.QueryParameters.Select = ["id", "deviceName", "lastSyncDateTime", "userPrincipalName"];
        });

        Assert.NotEmpty(seeded);
        Assert.Equal(seeded.Select(d => d.Id.ToString()).Order(), all!.Value!.Select(d => d.Id!).Order());
        Assert.Equal(seeded.Where(d => d.ComplianceState == "noncompliant").Select(d => d.Id.ToString()).Order(), noncompliant!.Value!.Select(d => d.Id!).Order());
        Assert.All(noncompliant.Value!, d => Assert.Equal(ComplianceState.Noncompliant, d.ComplianceState));
        Assert.Equal(seeded.Where(d => d.LastSyncDateTime <= monthAgo).Select(d => d.Id.ToString()).Order(), stale!.Value!.Select(d => d.Id!).Order());
        Assert.All(stale.Value!, d => Assert.Null(d.OperatingSystem));
        var first = all.Value![0];
        var user = customer.Content.Users.Single(u => u.Id.ToString() == first.UserId);
        Assert.Equal(user.UserPrincipalName, first.UserPrincipalName);
        Assert.Contains(first.ManagedDeviceOwnerType!.Value, new[] { ManagedDeviceOwnerType.Company, ManagedDeviceOwnerType.Personal });
    }

    [Fact]
    public async Task A_users_devices_and_one_device_by_id_are_read()
    {
        var customer = Customer(c => DeviceSeeder.IsLicensed(c.Content) && Roles(c).Contains(GdapSeeder.IntuneAdministrator));
        var device = customer.Content.ManagedDevices[0];
        var graph = fixture.Clients.Graph(customer.Id);

        var users = await graph.Users[device.UserPrincipalName].ManagedDevices.GetAsync();
        var one = await graph.DeviceManagement.ManagedDevices[device.Id.ToString()].GetAsync();
        var missing = await Assert.ThrowsAsync<ODataError>(() => graph.DeviceManagement.ManagedDevices[Guid.NewGuid().ToString()].GetAsync());

        Assert.Equal(customer.Content.ManagedDevices.Where(d => d.UserId == device.UserId).Select(d => d.Id.ToString()), users!.Value!.Select(d => d.Id));
        Assert.Equal((device.DeviceName, device.OperatingSystem, device.SerialNumber), (one!.DeviceName, one.OperatingSystem, one.SerialNumber));
        Assert.Equal(404, missing.ResponseStatusCode);
    }

    [Fact]
    public async Task A_tenant_without_an_intune_licence_answers_request_not_applicable()
    {
        var customer = Customer(c => !DeviceSeeder.IsLicensed(c.Content));
        var graph = fixture.Clients.Graph(customer.Id);

        var refused = await Assert.ThrowsAsync<ODataError>(() => graph.DeviceManagement.ManagedDevices.GetAsync());

        Assert.Equal((400, "BadRequest", "Request not applicable to target tenant."), (refused.ResponseStatusCode, refused.Error!.Code, refused.Error.Message));
    }

    [Fact]
    public async Task Without_an_intune_role_the_partner_admin_is_refused_with_403()
    {
        var customer = Customer(c => DeviceSeeder.IsLicensed(c.Content) && !Roles(c).Overlaps([GdapSeeder.IntuneAdministrator, GdapSeeder.GlobalReader, GdapSeeder.GlobalAdministrator]));
        var graph = fixture.Clients.Graph(customer.Id);

        var refused = await Assert.ThrowsAsync<ODataError>(() => graph.DeviceManagement.ManagedDevices.GetAsync());

        Assert.Equal(403, refused.ResponseStatusCode);
        Assert.Contains("Forbidden", refused.Error!.Message, StringComparison.Ordinal);
    }

    private IReadOnlySet<string> Roles(SandboxTenant customer) => fixture.Host.RolesInForce(customer);

    private SandboxTenant Customer(Func<SandboxTenant, bool>? also = null) => fixture.Host.ActiveCustomer(also);
}
