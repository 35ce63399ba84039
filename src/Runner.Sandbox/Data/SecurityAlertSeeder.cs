namespace Runner.Sandbox.Data;

/// <summary>A Microsoft Defender XDR alert (Graph's security alert resource, alerts_v2), grouped into an incident.</summary>
internal sealed class SecurityAlert
{
    public required string Id { get; init; }

    public required string IncidentId { get; init; }

    public required string Title { get; init; }

    public required string Category { get; init; }

    public required string Severity { get; init; }

    public required string ServiceSource { get; init; }

    public required string DetectionSource { get; init; }

    public required DateTimeOffset CreatedDateTime { get; init; }

    public required SandboxUser User { get; init; }

    /// <summary>Settable: triage is PATCH status, classification, determination, assignedTo.</summary>
    public required string Status { get; set; }

    public string Classification { get; set; } = "unknown";

    public string Determination { get; set; } = "unknown";

    public string? AssignedTo { get; set; }

    public DateTimeOffset LastUpdateDateTime { get; set; }
}

/// <summary>
/// Defender alerts of the last 30 days in tenants licensed for Microsoft Defender for Business (Microsoft 365
/// Business Premium); none elsewhere, as Defender has nothing to report without it. From their own random stream: a
/// few per tenant, mostly resolved, some new or in progress, high severity now and then, each in an incident of its own.
/// </summary>
internal static class SecurityAlertSeeder
{
    private static readonly (string Title, string Category, string Source, string Detection, string Severity)[] Kinds =
    [
        ("Suspicious inbox forwarding rule", "Collection", "microsoftDefenderForOffice365", "microsoftDefenderForOffice365", "medium"),
        ("Email messages containing malicious URL removed after delivery", "InitialAccess", "microsoftDefenderForOffice365", "microsoftDefenderForOffice365", "informational"),
        ("Suspicious PowerShell command line", "Execution", "microsoftDefenderForEndpoint", "antivirus", "medium"),
        ("Ransomware behavior detected in the file system", "Impact", "microsoftDefenderForEndpoint", "microsoftDefenderForEndpoint", "high"),
        ("Impossible travel activity", "InitialAccess", "microsoftDefenderForCloudApps", "microsoftDefenderForCloudApps", "medium"),
        ("A potentially malicious URL click was detected", "InitialAccess", "microsoftDefenderForOffice365", "microsoftDefenderForOffice365", "high"),
    ];

    public static List<SecurityAlert> Build(int seed, SandboxTenant tenant, TenantContent content, DateTimeOffset today)
    {
        if (!content.PartnerSubscriptions.Any(s => s.Status == "active" && s.Product.SkuPartNumber == "SPB"))
        {
            return [];
        }

        var random = new Random(DeterministicGuid.RandomSeed(seed, $"security-alerts:{tenant.Id}"));
        var members = content.Users.Where(u => u.UserType == "Member").ToList();
        var alerts = new List<SecurityAlert>();
        for (var i = random.Next(2, 7); i > 0; i--)
        {
            var kind = Kinds[random.Next(Kinds.Length)];
            var created = today.AddMinutes(-random.Next(30, 30 * 24 * 60));
            var status = random.Next(10) switch { < 6 => "resolved", < 8 => "inProgress", _ => "new" };
            var prefix = kind.Source switch { "microsoftDefenderForEndpoint" => "da", "microsoftDefenderForOffice365" => "fa", _ => "ca" };
            alerts.Add(new SecurityAlert
            {
                Id = $"{prefix}{DeterministicGuid.Create(seed, $"{tenant.Id}:alert:{alerts.Count}"):N}",
                IncidentId = (100 + alerts.Count + (DeterministicGuid.RandomSeed(seed, $"incidents:{tenant.Id}") % 9000)).ToString(System.Globalization.CultureInfo.InvariantCulture),
                Title = kind.Title,
                Category = kind.Category,
                Severity = kind.Severity,
                ServiceSource = kind.Source,
                DetectionSource = kind.Detection,
                CreatedDateTime = created,
                User = members[random.Next(members.Count)],
                Status = status,
                Classification = status == "resolved" ? (random.Next(3) == 0 ? "truePositive" : "falsePositive") : "unknown",
                Determination = status == "resolved" ? "other" : "unknown",
                LastUpdateDateTime = created.AddMinutes(random.Next(5, 600)),
            });
        }

        return [.. alerts.OrderByDescending(a => a.CreatedDateTime)];
    }
}
