// device-compliance.csx: the Intune devices that need attention in each customer tenant: not compliant, or not synced
// for `staleDays` days (lost, retired without being removed, or a leaver's). One row per device, worst first.
//
// Graph: deviceManagement/managedDevices (DeviceManagementManagedDevices.Read.All; a GDAP role such as Intune
// Administrator or Global Reader). A tenant without an Intune licence answers 400 "Request not applicable to target
// tenant": it gets no rows and a log line, not a failure. Without an Intune role the tenant fails, saying so.
// Parameters: staleDays (default 30): a device not synced for this many days is stale.
// Run:        runner run device-compliance --tenant all
#load "_editor/runner.globals.csx" // IntelliSense in VS Code; Runner skips this line
#load "_lib/paging.csx"

var staleDays = Params.Get<int>("staleDays", 30);

List<ManagedDevice> devices;
try
{
    devices = await AllPagesAsync<ManagedDevice, ManagedDeviceCollectionResponse>(await Graph.DeviceManagement.ManagedDevices.GetAsync(r =>
    {
        r.QueryParameters.Select = ["id", "deviceName", "operatingSystem", "osVersion", "complianceState", "lastSyncDateTime", "userPrincipalName", "managedDeviceOwnerType", "isEncrypted"];
        r.QueryParameters.Top = 999;
    }, CancellationToken));
}
catch (Microsoft.Graph.Models.ODataErrors.ODataError e) when (e.ResponseStatusCode == 400 && e.Error?.Message == "Request not applicable to target tenant.")
{
    Log.LogInformation("No Intune licence in this tenant: no managed devices to check.");
    return Array.Empty<object>();
}
catch (Microsoft.Graph.Models.ODataErrors.ODataError e) when (e.ResponseStatusCode == 403)
{
    // Intune's own refusal is a JSON blob inside the message; say what to fix instead.
    throw new InvalidOperationException("Intune refused to list devices: the GDAP relationships in force here grant no Intune Administrator or Global Reader role.");
}

var attention = devices
    .Select(d => new
    {
        device = d.DeviceName,
        os = $"{d.OperatingSystem} {d.OsVersion}",
        user = d.UserPrincipalName,
        owner = d.ManagedDeviceOwnerType?.ToString().ToLowerInvariant(),
        compliance = d.ComplianceState?.ToString().ToLowerInvariant(),
        lastSyncDays = DaysSince(d.LastSyncDateTime),
        encrypted = d.IsEncrypted,
    })
    .Where(d => d.compliance != "compliant" || d.lastSyncDays >= staleDays)
    .OrderByDescending(d => d.compliance == "noncompliant")
    .ThenByDescending(d => d.lastSyncDays)
    .ToList();

Log.LogInformation("{Devices} managed devices, {Attention} need attention ({Stale} not synced for {Days} days).",
    devices.Count, attention.Count, attention.Count(d => d.lastSyncDays >= staleDays), staleDays);
return attention;
