using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// Entra ID devices, Graph v1.0: GET /devices ("List devices", $filter on the properties a stale-device clean-up
/// uses), one by object id or by deviceId (devices(deviceId='...')), PATCH /devices/{id} ("Update device": 204; the
/// sandbox stores accountEnabled, what disabling a stale device changes) and DELETE /devices/{id} ("Delete device":
/// 204). Reading needs Device.Read.All or Directory.Read.All. Writing, as those pages say, needs
/// Directory.AccessAsUser.All for a signed-in admin and Device.ReadWrite.All for an app; GDAP roles are checked with
/// the other writes (Cloud Device, Intune or Global Administrator).
/// </summary>
internal sealed class DevicesApi(GraphApi graph)
{
    private const string Entity = "microsoft.graph.device";

    private static readonly string[] Read = ["Device.Read.All", "Device.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"];

    private static readonly IReadOnlyDictionary<string, FilterProperty<EntraDevice>> Filterable =
        new Dictionary<string, FilterProperty<EntraDevice>>(StringComparer.OrdinalIgnoreCase)
        {
            ["id"] = new(EdmType.String, d => d.Id.ToString()),
            ["deviceId"] = new(EdmType.String, d => d.DeviceId.ToString()),
            ["displayName"] = new(EdmType.String, d => d.DisplayName),
            ["operatingSystem"] = new(EdmType.String, d => d.OperatingSystem),
            ["trustType"] = new(EdmType.String, d => d.TrustType),
            ["accountEnabled"] = new(EdmType.Boolean, d => d.AccountEnabled),
            ["approximateLastSignInDateTime"] = new(EdmType.DateTimeOffset, d => d.ApproximateLastSignInDateTime),
            ["registrationDateTime"] = new(EdmType.DateTimeOffset, d => d.RegistrationDateTime),
        };

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1.0/devices", (RequestDelegate)List);
        routes.MapGet("/v1.0/devices/{id}", (RequestDelegate)(http => Get(http, d => d.Id, (string)http.Request.RouteValues["id"]!)));
        routes.MapGet("/v1.0/devices(deviceId='{deviceId}')", (RequestDelegate)(http => Get(http, d => d.DeviceId, (string)http.Request.RouteValues["deviceId"]!)));
        routes.MapMethods("/v1.0/devices/{id}", ["PATCH"], (RequestDelegate)Update);
        routes.MapDelete("/v1.0/devices/{id}", (RequestDelegate)Remove);
    }

    private async Task List(HttpContext http)
    {
        if (await graph.Authorize(http, Read) is not { } caller)
        {
            return;
        }

        if (await GraphList.Filter(http, graph, Filterable, Entity) is not { } filter)
        {
            return;
        }

        List<JsonObject> devices;
        lock (caller.Tenant.Content.Sync)
        {
            devices = caller.Tenant.Content.Devices.Where(filter).Select(Json).ToList();
        }

        await GraphList.Write(http, graph, "devices", Entity, devices);
    }

    private async Task Get(HttpContext http, Func<EntraDevice, Guid> key, string value)
    {
        if (await graph.Authorize(http, Read) is { } caller)
        {
            await GraphObjects.WriteOne(http, graph, caller, "devices", c => c.Devices, key, value, Json);
        }
    }

    private async Task Update(HttpContext http)
    {
        if (await AuthorizeWrite(http) is not { } caller || await GraphObjects.Body(http, graph) is not { } body)
        {
            return;
        }

        bool? enabled = null;
        foreach (var (name, value) in body)
        {
            if (name.Equals("accountEnabled", StringComparison.OrdinalIgnoreCase) && value is JsonValue flag && flag.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
            {
                enabled = flag.GetValue<bool>();
            }
            else if (name.Equals("accountEnabled", StringComparison.OrdinalIgnoreCase))
            {
                await graph.Error(http, 400, "BadRequest", "Cannot convert a primitive value to the expected type 'Edm.Boolean'. See the inner exception for more details.");
                return;
            }
            else if (!name.StartsWith('@'))
            {
                await graph.Error(http, 501, "NotImplemented", $"The sandbox stores only accountEnabled of a device, not '{name}'. {SandboxDocs.Page} lists what it emulates.");
                return;
            }
        }

        if (await Find(http, caller, d => d.Id, (string)http.Request.RouteValues["id"]!) is not { } device)
        {
            return;
        }

        lock (caller.Tenant.Content.Sync)
        {
            device.AccountEnabled = enabled ?? device.AccountEnabled;
        }

        graph.Audit(http, caller, "Update device", "Device", "Update",
            new AuditTarget("Device", device.Id, device.DisplayName, null, enabled is { } on ? [new AuditChange("AccountEnabled", null, $"[{(on ? "true" : "false")}]")] : []));
        await GraphObjects.NoContent(http);
    }

    private async Task Remove(HttpContext http)
    {
        if (await AuthorizeWrite(http) is not { } caller)
        {
            return;
        }

        var id = (string)http.Request.RouteValues["id"]!;
        EntraDevice? removed;
        lock (caller.Tenant.Content.Sync)
        {
            removed = caller.Tenant.Content.Devices.FirstOrDefault(d => d.Id.ToString().Equals(id, StringComparison.OrdinalIgnoreCase));
            if (removed is not null)
            {
                caller.Tenant.Content.Devices.Remove(removed);
            }
        }

        if (removed is not null)
        {
            graph.Audit(http, caller, "Delete device", "Device", "Delete", new AuditTarget("Device", removed.Id, removed.DisplayName, null, []));
        }

        await (removed is not null ? GraphObjects.NoContent(http) : GraphObjects.NotFound(http, graph, id));
    }

    /// <summary>"Update device" and "Delete device": Directory.AccessAsUser.All delegated, Device.ReadWrite.All for an app.</summary>
    private async Task<ApiCaller?> AuthorizeWrite(HttpContext http)
    {
        if (await graph.Authorize(http) is not { } caller)
        {
            return null;
        }

        string[] needed = caller.IsApp ? ["Device.ReadWrite.All", "Directory.ReadWrite.All"] : ["Directory.AccessAsUser.All"];
        if (!needed.Any(caller.Permissions.Contains))
        {
            await graph.Error(http, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
            return null;
        }

        return caller;
    }

    private Task<EntraDevice?> Find(HttpContext http, ApiCaller caller, Func<EntraDevice, Guid> key, string value) =>
        GraphObjects.RouteItem(http, graph, caller, c => c.Devices, key, value);

    internal static JsonObject Json(EntraDevice d) => new()
    {
        ["id"] = d.Id.ToString(),
        ["deviceId"] = d.DeviceId.ToString(),
        ["displayName"] = d.DisplayName,
        ["accountEnabled"] = d.AccountEnabled,
        ["operatingSystem"] = d.OperatingSystem,
        ["operatingSystemVersion"] = d.OperatingSystemVersion,
        ["trustType"] = d.TrustType,
        ["profileType"] = "RegisteredDevice",
        ["registrationDateTime"] = UserProperties.Date(d.RegistrationDateTime),
        ["approximateLastSignInDateTime"] = d.ApproximateLastSignInDateTime is { } last ? UserProperties.Date(last) : null,
        ["isManaged"] = d.IsManaged,
        ["isCompliant"] = d.IsCompliant,
        ["manufacturer"] = null,
        ["model"] = null,
    };
}
