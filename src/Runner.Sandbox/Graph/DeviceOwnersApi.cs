using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// Who a device belongs to, both ways, as offboarding scripts ask: GET /users/{id}/ownedDevices and
/// /users/{id}/registeredDevices (the devices the user registered or joined, typed #microsoft.graph.device), and GET
/// /devices/{id}/registeredOwners and /devices/{id}/registeredUsers (that user, typed). Device.Read.All or
/// Directory.Read.All.
/// </summary>
internal sealed class DeviceOwnersApi(GraphApi graph)
{
    private static readonly string[] Read = ["Device.Read.All", "Device.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"];

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1.0/users/{id}/ownedDevices", (RequestDelegate)UserDevices);
        routes.MapGet("/v1.0/users/{id}/registeredDevices", (RequestDelegate)UserDevices);
        routes.MapGet("/v1.0/devices/{id}/registeredOwners", (RequestDelegate)DeviceOwners);
        routes.MapGet("/v1.0/devices/{id}/registeredUsers", (RequestDelegate)DeviceOwners);
    }

    private async Task UserDevices(HttpContext http)
    {
        if (await graph.Authorize(http, Read) is not { } caller || await GraphObjects.RouteUser(http, graph, caller) is not { } user)
        {
            return;
        }

        List<JsonObject> devices;
        lock (caller.Tenant.Content.Sync)
        {
            devices = caller.Tenant.Content.Devices.Where(d => d.OwnerId == user.Id).Select(d => GraphObjects.Typed("device", DevicesApi.Json(d))).ToList();
        }

        await GraphList.Write(http, graph, "directoryObjects", "microsoft.graph.directoryObject", devices);
    }

    private async Task DeviceOwners(HttpContext http)
    {
        if (await graph.Authorize(http, Read) is not { } caller)
        {
            return;
        }

        if (await GraphObjects.RouteItem(http, graph, caller, c => c.Devices, d => d.Id) is not { } device)
        {
            return;
        }

        List<JsonObject> owners;
        lock (caller.Tenant.Content.Sync)
        {
            owners = device.OwnerId is { } owner ? GraphObjects.Users(caller.Tenant, [owner]) : [];
        }

        await GraphList.Write(http, graph, "directoryObjects", "microsoft.graph.directoryObject", owners);
    }
}
