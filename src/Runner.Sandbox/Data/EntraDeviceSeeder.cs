namespace Runner.Sandbox.Data;

/// <summary>A device registered or joined in Entra ID, as Graph v1.0's device resource describes it.</summary>
internal sealed class EntraDevice
{
    public required Guid Id { get; init; }

    /// <summary>The device's own id (deviceId), which Intune names azureADDeviceId.</summary>
    public required Guid DeviceId { get; init; }

    public required string DisplayName { get; init; }

    public required string OperatingSystem { get; init; }

    public required string OperatingSystemVersion { get; init; }

    /// <summary>"AzureAd" (joined), "Workplace" (registered) or "ServerAd" (hybrid joined).</summary>
    public required string TrustType { get; init; }

    public required DateTimeOffset RegistrationDateTime { get; init; }

    public required DateTimeOffset? ApproximateLastSignInDateTime { get; init; }

    public required bool IsManaged { get; init; }

    public required bool? IsCompliant { get; init; }

    /// <summary>The user who registered or joined it (registeredOwners; the user's ownedDevices and registeredDevices).</summary>
    public Guid? OwnerId { get; init; }

    /// <summary>Settable: disabling a stale device is PATCH accountEnabled false.</summary>
    public required bool AccountEnabled { get; set; }
}

/// <summary>
/// Seeds each customer's Entra ID devices from their own random stream: every Intune-managed device (same deviceId,
/// its last sign-in near its last sync) and, for members without one, a registered or joined Windows PC for most
/// and a registered phone for some. About one in five has not signed in for over 90 days: a stale-device clean-up
/// finds something to disable.
/// </summary>
internal static class EntraDeviceSeeder
{
    public static List<EntraDevice> Build(int seed, SandboxTenant tenant, TenantContent content, DateTimeOffset today)
    {
        var random = new Random(DeterministicGuid.RandomSeed(seed, $"entra-devices:{tenant.Id}"));
        var devices = content.ManagedDevices.Select(m => new EntraDevice
        {
            Id = DeterministicGuid.Create(seed, $"{tenant.Id}:entra-device:{m.AzureAdDeviceId}"),
            DeviceId = m.AzureAdDeviceId,
            DisplayName = m.DeviceName,
            OperatingSystem = m.OperatingSystem,
            OperatingSystemVersion = m.OsVersion,
            TrustType = m.OperatingSystem == "Windows" ? "AzureAd" : "Workplace",
            RegistrationDateTime = m.EnrolledDateTime,
            ApproximateLastSignInDateTime = m.LastSyncDateTime.AddMinutes(-random.Next(5, 600)),
            IsManaged = true,
            IsCompliant = m.ComplianceState == "compliant",
            AccountEnabled = true,
            OwnerId = m.UserId,
        }).ToList();

        var managed = content.ManagedDevices.Select(m => m.UserId).ToHashSet();
        foreach (var user in content.Users.Where(u => u.UserType == "Member" && !managed.Contains(u.Id)))
        {
            if (random.Next(10) < 7)
            {
                devices.Add(Unmanaged(random, seed, tenant, user, windows: true, devices.Count, today));
            }

            if (random.Next(10) < 3)
            {
                devices.Add(Unmanaged(random, seed, tenant, user, windows: false, devices.Count, today));
            }
        }

        return devices;
    }

    private static EntraDevice Unmanaged(Random random, int seed, SandboxTenant tenant, SandboxUser user, bool windows, int n, DateTimeOffset today)
    {
        var registered = today.AddDays(-random.Next(30, 1500));
        var stale = !user.AccountEnabled || random.Next(5) == 0;
        var lastSignIn = stale ? today.AddDays(-random.Next(91, 700)) : today.AddHours(-random.Next(1, 30 * 24));
        return new EntraDevice
        {
            Id = DeterministicGuid.Create(seed, $"{tenant.Id}:entra-device:{n}"),
            DeviceId = DeterministicGuid.Create(seed, $"{tenant.Id}:entra-device-id:{n}"),
            DisplayName = windows ? $"PC-{random.Next(0x100000):X5}" : $"{user.GivenName ?? user.DisplayName}'s iPhone",
            OperatingSystem = windows ? "Windows" : "iOS",
            OperatingSystemVersion = windows ? "10.0.22631.4460" : "17.6.1",
            TrustType = windows ? (random.Next(3) == 0 ? "ServerAd" : "AzureAd") : "Workplace",
            RegistrationDateTime = registered,
            ApproximateLastSignInDateTime = lastSignIn < registered ? registered : lastSignIn,
            IsManaged = false,
            IsCompliant = null,
            AccountEnabled = true,
            OwnerId = user.Id,
        };
    }
}
