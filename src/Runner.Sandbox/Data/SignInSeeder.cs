namespace Runner.Sandbox.Data;

/// <summary>One interactive sign-in as Graph v1.0's signIn resource describes it.</summary>
internal sealed record SignInRecord(
    Guid Id,
    DateTimeOffset CreatedDateTime,
    SandboxUser User,
    string AppDisplayName,
    Guid AppId,
    string ClientAppUsed,
    string IpAddress,
    string City,
    string CountryOrRegion,
    int ErrorCode,
    string ConditionalAccessStatus,
    string OperatingSystem,
    string Browser);

/// <summary>
/// The last 30 days of sign-ins (what Entra ID P1 keeps) of each user who signed in within them, worked out on first
/// request from their own random stream. A user's newest sign-in is the successful one signInActivity reports; before
/// it, one to five more, about one in eight failed with a wrong password, some from another country than the
/// tenant's, and in tenants that do not block legacy authentication a few over IMAP or Exchange ActiveSync: a
/// sign-in review finds something to look at.
/// </summary>
internal static class SignInSeeder
{
    private static readonly (string Name, Guid AppId, string Client)[] Apps =
    [
        ("Office 365 Exchange Online", Guid.Parse("00000002-0000-0ff1-ce00-000000000000"), "Browser"),
        ("Microsoft Teams", Guid.Parse("1fec8e78-bce4-4aaf-ab1b-5451cc387264"), "Mobile Apps and Desktop clients"),
        ("OfficeHome", Guid.Parse("4765445b-32c6-49b0-83e6-1d93765276ca"), "Browser"),
        ("Microsoft Office", Guid.Parse("d3590ed6-52b3-4102-aeff-aad2292ab01c"), "Mobile Apps and Desktop clients"),
    ];

    private static readonly (string Client, string App)[] Legacy = [("IMAP4", "Office 365 Exchange Online"), ("Exchange ActiveSync", "Office 365 Exchange Online")];

    private static readonly Dictionary<string, string[]> Cities = new()
    {
        ["GB"] = ["London", "Manchester", "Leeds"],
        ["DE"] = ["Berlin", "Munich", "Hamburg"],
        ["US"] = ["Seattle", "Chicago", "Austin"],
        ["NG"] = ["Lagos"],
        ["RU"] = ["Moscow"],
        ["BR"] = ["Sao Paulo"],
    };

    public static List<SignInRecord> Build(int seed, SandboxTenant tenant, TenantContent content, DateTimeOffset today)
    {
        var random = new Random(DeterministicGuid.RandomSeed(seed, $"sign-ins:{tenant.Id}"));
        var legacyBlocked = content.Directory.SecurityDefaultsEnabled || content.Directory.Policies.Any(p => p.State == "enabled" && p.BuiltInControls.Contains("block"));
        var home = content.CountryLetterCode;
        var records = new List<SignInRecord>();
        var n = 0;
        SignInRecord Record(SandboxUser user, DateTimeOffset at, bool fails, string? country, (string Client, string App)? legacy)
        {
            var app = Apps[random.Next(Apps.Length)];
            var where = country ?? home;
            var cities = Cities.GetValueOrDefault(where, ["Unknown"]);
            var windows = random.Next(3) != 0;
            return new SignInRecord(
                DeterministicGuid.Create(seed, $"{tenant.Id}:sign-in:{n++}"),
                at,
                user,
                legacy?.App ?? app.Name,
                legacy is null ? app.AppId : Apps[0].AppId,
                legacy?.Client ?? app.Client,
                where == home ? $"203.0.113.{random.Next(1, 255)}" : $"198.51.100.{random.Next(1, 255)}",
                cities[random.Next(cities.Length)],
                where,
                fails ? 50126 : 0,
                fails || legacy is not null ? "notApplied" : content.Directory.Policies.Any(p => p.State == "enabled") ? "success" : "notApplied",
                legacy is not null ? "" : windows ? "Windows10" : "Ios",
                legacy is not null ? "" : windows ? "Edge 131.0.0" : "Mobile Safari");
        }

        foreach (var user in content.Users.Where(u => u.LastSignInDateTime is { } last && last > today.AddDays(-30)))
        {
            var last = user.LastSignInDateTime!.Value;
            var earlier = random.Next(1, 6);
            for (var i = 0; i < earlier; i++)
            {
                var at = last.AddMinutes(-random.Next(60, Math.Max(61, (int)(last - today.AddDays(-30)).TotalMinutes)));
                var roll = random.Next(100);
                var abroad = roll < 8 ? new[] { "NG", "RU", "BR" }[random.Next(3)] : null;
                var legacy = !legacyBlocked && roll is >= 8 and < 14 ? Legacy[random.Next(Legacy.Length)] : ((string, string)?)null;
                records.Add(Record(user, at, fails: roll >= 86 || abroad is not null, abroad, legacy));
            }

            records.Add(Record(user, last, fails: false, country: null, legacy: null));
        }

        records.Sort((a, b) => b.CreatedDateTime.CompareTo(a.CreatedDateTime));
        return records;
    }
}
