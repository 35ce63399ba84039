using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// Intune's managed devices in Graph v1.0: GET /deviceManagement/managedDevices ("List managedDevices", with $filter on
/// the properties device reports use), one by id, and a user's (/users/{id}/managedDevices). Needs
/// DeviceManagementManagedDevices.Read.All; a partner admin also needs Intune Administrator, Global Reader or Global
/// Administrator through GDAP. A tenant without an Intune licence gets 400 "Request not applicable to target tenant."
/// </summary>
internal sealed class ManagedDevicesApi(GraphApi graph)
{
    private const string Entity = "microsoft.graph.managedDevice";

    private static readonly string[] Read = ["DeviceManagementManagedDevices.Read.All", "DeviceManagementManagedDevices.ReadWrite.All"];

    private static readonly string[] Roles = [GdapSeeder.IntuneAdministrator, GdapSeeder.GlobalReader, GdapSeeder.GlobalAdministrator];

    private static readonly IReadOnlyDictionary<string, FilterProperty<ManagedDevice>> Filterable =
        new Dictionary<string, FilterProperty<ManagedDevice>>(StringComparer.OrdinalIgnoreCase)
        {
            ["id"] = new(EdmType.String, d => d.Id.ToString()),
            ["userId"] = new(EdmType.String, d => d.UserId.ToString()),
            ["userPrincipalName"] = new(EdmType.String, d => d.UserPrincipalName),
            ["deviceName"] = new(EdmType.String, d => d.DeviceName),
            ["operatingSystem"] = new(EdmType.String, d => d.OperatingSystem),
            ["complianceState"] = new(EdmType.String, d => d.ComplianceState),
            ["managedDeviceOwnerType"] = new(EdmType.String, d => d.OwnerType),
            ["isEncrypted"] = new(EdmType.Boolean, d => d.IsEncrypted),
            ["lastSyncDateTime"] = new(EdmType.DateTimeOffset, d => d.LastSyncDateTime),
            ["enrolledDateTime"] = new(EdmType.DateTimeOffset, d => d.EnrolledDateTime),
        };

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1.0/deviceManagement/managedDevices", (RequestDelegate)(http => List(http, byUser: false)));
        routes.MapGet("/v1.0/users/{id}/managedDevices", (RequestDelegate)(http => List(http, byUser: true)));
        routes.MapGet("/v1.0/deviceManagement/managedDevices/{deviceId}", (RequestDelegate)Get);
    }

    private async Task List(HttpContext http, bool byUser)
    {
        if (await Authorize(http) is not { } caller)
        {
            return;
        }

        var user = byUser ? await GraphObjects.RouteUser(http, graph, caller) : null;
        if (byUser && user is null)
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
            devices = caller.Tenant.Content.ManagedDevices.Where(d => (user is null || d.UserId == user.Id) && filter(d)).Select(Json).ToList();
        }

        await GraphList.Write(http, graph, byUser ? $"users('{user!.Id}')/managedDevices" : "deviceManagement/managedDevices", Entity, devices);
    }

    private async Task Get(HttpContext http)
    {
        if (await Authorize(http) is { } caller)
        {
            var id = (string)http.Request.RouteValues["deviceId"]!;
            await GraphObjects.WriteOne(http, graph, caller, "deviceManagement/managedDevices", c => c.ManagedDevices, d => d.Id, id, Json,
                () => graph.Error(http, 404, "ResourceNotFound", $"Resource not found: managedDevice '{id}'."));
        }
    }

    private async Task<ApiCaller?> Authorize(HttpContext http)
    {
        if (await graph.Authorize(http, Read) is not { } caller)
        {
            return null;
        }

        if (!DeviceSeeder.IsLicensed(caller.Tenant.Content))
        {
            // What Intune's Graph endpoints answer in a tenant without an Intune subscription.
            await graph.Error(http, 400, "BadRequest", "Request not applicable to target tenant.");
            return null;
        }

        if (!graph.HasRole(caller, Roles))
        {
            // Intune wraps its own refusal, for an admin without an Intune role, in Graph's error body.
            await graph.Error(http, 403, "UnknownError", """{"ErrorCode":"Forbidden","Message":"{\r\n  \"_version\": 3,\r\n  \"Message\": \"An error has occurred - the caller has no Intune role that allows reading managed devices.\"\r\n}"}""");
            return null;
        }

        return caller;
    }

    private static JsonObject Json(ManagedDevice d) => new()
    {
        ["id"] = d.Id.ToString(),
        ["userId"] = d.UserId.ToString(),
        ["deviceName"] = d.DeviceName,
        ["managedDeviceOwnerType"] = d.OwnerType,
        ["enrolledDateTime"] = UserProperties.Date(d.EnrolledDateTime),
        ["lastSyncDateTime"] = UserProperties.Date(d.LastSyncDateTime),
        ["operatingSystem"] = d.OperatingSystem,
        ["complianceState"] = d.ComplianceState,
        ["jailBroken"] = "False",
        ["managementAgent"] = "mdm",
        ["osVersion"] = d.OsVersion,
        ["easActivated"] = false,
        ["azureADRegistered"] = true,
        ["deviceEnrollmentType"] = d.OperatingSystem == "Windows" ? "windowsAzureADJoin" : "userEnrollment",
        ["emailAddress"] = d.UserPrincipalName,
        ["azureADDeviceId"] = d.AzureAdDeviceId.ToString(),
        ["deviceRegistrationState"] = "registered",
        ["isSupervised"] = false,
        ["isEncrypted"] = d.IsEncrypted,
        ["userPrincipalName"] = d.UserPrincipalName,
        ["model"] = d.Model,
        ["manufacturer"] = d.Manufacturer,
        ["serialNumber"] = d.SerialNumber,
        ["userDisplayName"] = d.UserDisplayName,
        ["managedDeviceName"] = string.Create(CultureInfo.InvariantCulture, $"{d.UserPrincipalName.Split('@')[0]}_{d.OperatingSystem}_{d.EnrolledDateTime.UtcDateTime:M/d/yyyy_h:mm tt}"),
        ["partnerReportedThreatState"] = "unknown",
        ["complianceGracePeriodExpirationDateTime"] = d.ComplianceState == "inGracePeriod" ? UserProperties.Date(d.LastSyncDateTime.AddDays(3)) : "9999-12-31T23:59:59Z",
        ["totalStorageSpaceInBytes"] = d.OperatingSystem is "Windows" or "macOS" ? 511_101_108_224L : 127_934_660_608L,
    };
}
