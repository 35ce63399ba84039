namespace Runner.Sandbox.Data;

/// <summary>A device enrolled in Intune, as Graph v1.0's managedDevice describes it.</summary>
internal sealed record ManagedDevice(
    Guid Id,
    Guid UserId,
    string UserPrincipalName,
    string UserDisplayName,
    string DeviceName,
    string OperatingSystem,
    string OsVersion,
    string Manufacturer,
    string Model,
    string SerialNumber,
    string OwnerType,
    string ComplianceState,
    DateTimeOffset EnrolledDateTime,
    DateTimeOffset LastSyncDateTime,
    bool IsEncrypted,
    Guid AzureAdDeviceId);

/// <summary>
/// Seeds the Intune-managed devices of tenants licensed for Intune (a subscription with the INTUNE_A plan), from their
/// own random stream so nothing else moves. Every licensed member has a Windows laptop (a few have none) and most a
/// phone. About one device in six is not compliant and one in ten has not synced for over 30 days, and a leaver's
/// devices stopped syncing when the account was disabled: a compliance or stale-device report finds something.
/// </summary>
internal static class DeviceSeeder
{
    /// <summary>The Intune service plan; Graph answers Intune requests only in tenants that have it.</summary>
    public const string IntunePlan = "INTUNE_A";

    private static readonly (string Os, string[] Versions, string Manufacturer, string[] Models)[] Kinds =
    [
        ("Windows", ["10.0.22631.4460", "10.0.26100.2314", "10.0.19045.5131"], "Dell Inc.", ["Latitude 5440", "Latitude 7450", "XPS 13 9340"]),
        ("Windows", ["10.0.22631.4460", "10.0.26100.2314"], "LENOVO", ["ThinkPad T14 Gen 4", "ThinkPad X1 Carbon Gen 12"]),
        ("iOS", ["18.1.1", "17.6.1", "16.7.10"], "Apple", ["iPhone 15", "iPhone 14", "iPhone 13"]),
        ("Android", ["14", "13"], "samsung", ["SM-S921B", "SM-A546B"]),
        ("macOS", ["15.1.1", "14.7.1"], "Apple", ["MacBookAir10,1", "Mac15,3"]),
    ];

    public static bool IsLicensed(TenantContent content) =>
        content.PartnerSubscriptions.Any(s => s.Status == "active" && s.Product.ServicePlans.Contains(IntunePlan));

    public static List<ManagedDevice> Build(int seed, SandboxTenant tenant, TenantContent content, DateTimeOffset today)
    {
        var intuneSkus = content.PartnerSubscriptions.Where(s => s.Product.ServicePlans.Contains(IntunePlan)).Select(s => s.Product.SkuId).ToHashSet();
        if (intuneSkus.Count == 0)
        {
            return [];
        }

        var random = new Random(DeterministicGuid.RandomSeed(seed, $"devices:{tenant.Id}"));
        var devices = new List<ManagedDevice>();
        foreach (var user in content.Users.Where(u => u.UserType == "Member" && u.AssignedSkuIds.Any(intuneSkus.Contains)))
        {
            if (random.Next(10) != 0)
            {
                devices.Add(Device(random, seed, tenant, user, Kinds[random.Next(2)], devices.Count, today));
            }

            if (random.Next(10) < 6)
            {
                devices.Add(Device(random, seed, tenant, user, Kinds[2 + random.Next(Kinds.Length - 2)], devices.Count, today));
            }
        }

        return devices;
    }

    private static ManagedDevice Device(Random random, int seed, SandboxTenant tenant, SandboxUser user, (string Os, string[] Versions, string Manufacturer, string[] Models) kind, int n, DateTimeOffset today)
    {
        var enrolled = today.AddDays(-random.Next(20, 900)).AddMinutes(random.Next(1440));
        var roll = random.Next(100);
        var lastSync = !user.AccountEnabled ? today.AddDays(-random.Next(45, 200))
            : roll < 10 ? today.AddDays(-random.Next(31, 150))
            : roll < 20 ? today.AddDays(-random.Next(8, 30))
            : today.AddHours(-random.Next(1, 7 * 24));
        lastSync = lastSync < enrolled ? enrolled.AddDays(1) : lastSync;
        var compliance = random.Next(100) switch
        {
            < 76 => "compliant",
            < 92 => "noncompliant",
            < 96 => "inGracePeriod",
            _ => "unknown",
        };
        var windows = kind.Os == "Windows";
        var name = windows ? $"DESKTOP-{random.Next(0x10000000):X7}"[..15]
            : $"{user.GivenName ?? user.DisplayName}'s {kind.Models[0].Split(' ')[0]}";
        return new ManagedDevice(
            DeterministicGuid.Create(seed, $"{tenant.Id}:device:{n}"),
            user.Id,
            user.UserPrincipalName,
            user.DisplayName,
            name,
            kind.Os,
            kind.Versions[random.Next(kind.Versions.Length)],
            kind.Manufacturer,
            kind.Models[random.Next(kind.Models.Length)],
            $"{(char)('A' + random.Next(26))}{random.Next(100000000, 999999999)}",
            kind.Os is "Windows" or "macOS" || random.Next(3) != 0 ? "company" : "personal",
            compliance,
            enrolled,
            lastSync,
            kind.Os != "Android" || random.Next(4) != 0,
            DeterministicGuid.Create(seed, $"{tenant.Id}:aad-device:{n}"));
    }
}
