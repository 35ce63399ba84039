using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Runner.Sandbox.Data;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox.Graph;

/// <summary>Entra ID devices through GraphServiceClient: the stale-device clean-up MSPs run, reads and writes.</summary>
public sealed class DevicesTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public async Task Devices_not_signed_in_for_90_days_are_found_by_filter_and_intune_devices_share_their_device_id()
    {
        var customer = fixture.Host.ActiveCustomer(c => c.Content.ManagedDevices.Count > 0 && fixture.Host.RolesInForce(c).Contains(GdapSeeder.IntuneAdministrator));
        var graph = fixture.Clients.Graph(customer.Id);
        var cutoff = fixture.Host.Clock.GetUtcNow().AddDays(-90);

        var all = await graph.Devices.GetAsync(r => r.QueryParameters.Top = 999);
        var stale = await graph.Devices.GetAsync(r => r.QueryParameters.Filter = $"approximateLastSignInDateTime le {cutoff.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}");
        var managed = customer.Content.ManagedDevices[0];
        var byDeviceId = await graph.DevicesWithDeviceId(managed.AzureAdDeviceId.ToString()).GetAsync();

        Assert.Equal(customer.Content.Devices.Count, all!.Value!.Count);
        Assert.Equal(customer.Content.Devices.Where(d => d.ApproximateLastSignInDateTime <= cutoff).Select(d => d.Id.ToString()), stale!.Value!.Select(d => d.Id));
        Assert.NotEmpty(stale.Value!);
        Assert.Equal((managed.DeviceName, true), (byDeviceId!.DisplayName, byDeviceId.IsManaged));
    }

    [Fact]
    public async Task A_disabled_device_reads_disabled_and_a_deleted_one_is_gone()
    {
        var customer = fixture.Host.ActiveCustomer(c => c.Content.Devices.Count > 2 && fixture.Host.RolesInForce(c).Overlaps([GdapSeeder.IntuneAdministrator, GdapSeeder.GlobalAdministrator]));
        var (disable, delete) = (customer.Content.Devices[0], customer.Content.Devices[1]);
        var graph = fixture.Clients.Graph(customer.Id);

        await graph.Devices[disable.Id.ToString()].PatchAsync(new Device { AccountEnabled = false });
        var disabled = await graph.Devices.GetAsync(r => r.QueryParameters.Filter = "accountEnabled eq false");
        await graph.Devices[delete.Id.ToString()].DeleteAsync();
        var gone = await Assert.ThrowsAsync<ODataError>(() => graph.Devices[delete.Id.ToString()].GetAsync());
        var renamed = await Assert.ThrowsAsync<ODataError>(() => graph.Devices[disable.Id.ToString()].PatchAsync(new Device { DisplayName = "renamed" }));

        Assert.Contains(disable.Id.ToString(), disabled!.Value!.Select(d => d.Id));
        Assert.Equal(404, gone.ResponseStatusCode);
        Assert.Equal(501, renamed.ResponseStatusCode);
        Assert.DoesNotContain(customer.Content.Devices, d => d.Id == delete.Id);
    }

    [Fact]
    public async Task A_users_owned_devices_and_a_devices_registered_owner_name_each_other()
    {
        var customer = fixture.Host.ActiveCustomer(c => c.Content.Devices.Count > 0);
        var device = customer.Content.Devices[0];
        var owner = customer.Content.Users.Single(u => u.Id == device.OwnerId);
        var graph = fixture.Clients.Graph(customer.Id);

        var owned = await graph.Users[owner.Id.ToString()].OwnedDevices.GetAsync();
        var registered = await graph.Users[owner.UserPrincipalName].RegisteredDevices.GetAsync();
        var owners = await graph.Devices[device.Id.ToString()].RegisteredOwners.GetAsync();

        Assert.Equal(customer.Content.Devices.Where(d => d.OwnerId == owner.Id).Select(d => d.Id.ToString()).Order(), owned!.Value!.Select(d => d.Id).Order());
        Assert.All(owned.Value!, d => Assert.IsType<Device>(d));
        Assert.Equal(owned.Value!.Select(d => d.Id), registered!.Value!.Select(d => d.Id));
        Assert.Equal(owner.Id.ToString(), Assert.IsType<User>(Assert.Single(owners!.Value!)).Id);
    }

    [Fact]
    public async Task Read_only_GDAP_roles_refuse_device_writes_with_403()
    {
        var customer = fixture.Host.ActiveCustomer(c => c.Content.Devices.Count > 0 &&
            !fixture.Host.RolesInForce(c).Overlaps([GdapSeeder.CloudDeviceAdministrator, GdapSeeder.IntuneAdministrator, GdapSeeder.GlobalAdministrator]));
        var device = customer.Content.Devices[0];
        var graph = fixture.Clients.Graph(customer.Id);

        var refused = await Assert.ThrowsAsync<ODataError>(() => graph.Devices[device.Id.ToString()].PatchAsync(new Device { AccountEnabled = false }));

        Assert.Equal((403, "Authorization_RequestDenied"), (refused.ResponseStatusCode, refused.Error!.Code));
        Assert.True(device.AccountEnabled);
    }
}
