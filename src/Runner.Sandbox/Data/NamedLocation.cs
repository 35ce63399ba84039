namespace Runner.Sandbox.Data;

/// <summary>
/// A Conditional Access named location: IP ranges (ipNamedLocation, trusted or not) or countries
/// (countryNamedLocation). Policies name them in conditions.locations.
/// </summary>
internal sealed record NamedLocation(
    Guid Id,
    string DisplayName,
    bool IsIp,
    string[] Values,
    bool IsTrusted,
    bool IncludeUnknownCountries,
    DateTimeOffset CreatedDateTime,
    DateTimeOffset ModifiedDateTime)
{
    /// <summary>A head-office IP range (trusted) in about half the tenants with Entra ID P1, and the country the
    /// tenant works from, as MSP baselines set them up; from their own random stream.</summary>
    public static List<NamedLocation> Seed(int seed, SandboxTenant tenant, TenantContent content, DateTimeOffset today)
    {
        if (!DirectorySeeder.HasPremium(content))
        {
            return [];
        }

        var random = new Random(DeterministicGuid.RandomSeed(seed, $"named-locations:{tenant.Id}"));
        var created = today.AddDays(-random.Next(30, 700));
        var locations = new List<NamedLocation>
        {
            new(DeterministicGuid.Create(seed, $"{tenant.Id}:named-location:country"), "Allowed countries", false, [content.CountryLetterCode], false, false, created, created),
        };
        if (random.Next(2) == 0)
        {
            locations.Add(new(DeterministicGuid.Create(seed, $"{tenant.Id}:named-location:office"), "Head office", true,
                [$"203.0.113.{random.Next(0, 8) * 32}/27"], true, false, created, created));
        }

        return locations;
    }
}
