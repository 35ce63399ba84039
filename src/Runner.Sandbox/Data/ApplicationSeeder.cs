namespace Runner.Sandbox.Data;

/// <summary>An app registration in a customer tenant, with its client secrets and certificates.</summary>
internal sealed record AppRegistration(Guid Id, Guid AppId, string DisplayName, DateTimeOffset CreatedDateTime, string SignInAudience, List<AppCredential> Secrets, List<AppCredential> Certificates);

/// <summary>A client secret (passwordCredential) or certificate (keyCredential): what an expiry report reads.</summary>
internal sealed record AppCredential(Guid KeyId, string DisplayName, DateTimeOffset StartDateTime, DateTimeOffset EndDateTime, string Hint);

/// <summary>
/// Seeds the app registrations customers made themselves (line-of-business integrations, connectors), from their own
/// random stream so nothing else moves. Most customers have one to four; their secrets and certificates end at
/// different times: some ended already, some end within 30 days, most later, so a credential-expiry report finds
/// something to renew in many tenants and leaves the rest alone.
/// </summary>
internal static class ApplicationSeeder
{
    private static readonly string[] Names =
        ["Payroll connector", "Backup service", "SharePoint migration", "Power BI gateway", "Line-of-business API", "Ticketing integration", "Website contact form", "HR onboarding sync"];

    public static List<AppRegistration> Build(int seed, SandboxTenant tenant, DateTimeOffset today)
    {
        var random = new Random(DeterministicGuid.RandomSeed(seed, $"applications:{tenant.Id}"));
        var count = random.Next(5);
        var names = Names.OrderBy(_ => random.Next()).Take(count).ToList();
        var apps = new List<AppRegistration>(count);
        for (var i = 0; i < names.Count; i++)
        {
            var created = today.AddDays(-random.Next(100, 1500));
            var secrets = Enumerable.Range(0, random.Next(3)).Select(n => Credential(random, seed, tenant, i, names[i], "secret", n, today, created)).ToList();
            var certificates = Enumerable.Range(0, random.Next(4) == 0 ? 1 : 0).Select(n => Credential(random, seed, tenant, i, names[i], "certificate", n, today, created)).ToList();
            apps.Add(new AppRegistration(
                DeterministicGuid.Create(seed, $"{tenant.Id}:application:{i}"),
                DeterministicGuid.Create(seed, $"{tenant.Id}:application-appid:{i}"),
                names[i],
                created,
                random.Next(5) == 0 ? "AzureADMultipleOrgs" : "AzureADMyOrg",
                secrets,
                certificates));
        }

        return apps;
    }

    /// <summary>Ends: about one in six already, one in six within 30 days, the rest up to two years on.</summary>
    private static AppCredential Credential(Random random, int seed, SandboxTenant tenant, int app, string name, string kind, int n, DateTimeOffset today, DateTimeOffset created)
    {
        var end = random.Next(6) switch
        {
            0 => today.AddDays(-random.Next(1, 200)),
            1 => today.AddDays(random.Next(1, 30)),
            _ => today.AddDays(random.Next(31, 730)),
        };
        var start = end.AddDays(-(kind == "secret" ? 730 : 365));
        start = start < created ? created : start;
        return new AppCredential(
            DeterministicGuid.Create(seed, $"{tenant.Id}:application:{app}:{kind}:{n}"),
            kind == "secret" ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"secret {start.UtcDateTime:yyyy-MM}") : $"CN={name.Replace(" ", "", StringComparison.Ordinal)}",
            start,
            end,
            new string((char)('a' + random.Next(26)), 1) + random.Next(10) + (char)('A' + random.Next(26)));
    }
}
