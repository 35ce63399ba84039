namespace Runner.Sandbox.Data;

/// <summary>A service health issue (incident or advisory) as Graph's serviceHealthIssue describes it.</summary>
internal sealed record ServiceIssue(
    string Id,
    string Service,
    string Title,
    string Classification,
    string Status,
    string Feature,
    string FeatureGroup,
    string ImpactDescription,
    DateTimeOffset StartDateTime,
    DateTimeOffset? EndDateTime,
    DateTimeOffset LastModifiedDateTime)
{
    public bool IsResolved => EndDateTime is not null;
}

/// <summary>A message center post (serviceUpdateMessage).</summary>
internal sealed record ServiceMessage(
    string Id,
    string[] Services,
    string Title,
    string Category,
    string Severity,
    bool IsMajorChange,
    DateTimeOffset StartDateTime,
    DateTimeOffset? ActionRequiredByDateTime,
    string Body);

/// <summary>
/// Microsoft 365 service health and message center posts of the last 30 days, the same for the whole sandbox (they
/// are Microsoft's, not a tenant's), from their own random stream: a few incidents and advisories per service, most
/// resolved, one or two still open (so the service reads degraded), and change announcements with deadlines. A tenant
/// sees those of the services it has (<see cref="ServicesOf"/>).
/// </summary>
internal static class ServiceHealthSeeder
{
    private static readonly (string Service, string Prefix, string Feature, string Group, string Title)[] Templates =
    [
        ("Exchange Online", "EX", "Mailflow - delayed delivery from Internet", "E-Mail timely delivery", "Some users may experience delays receiving email from external senders"),
        ("Exchange Online", "EX", "Outlook on the web", "Networking Issues", "Users may be unable to access their mailbox through Outlook on the web"),
        ("Microsoft Teams", "TM", "Teams Components", "Teams Components", "Users may be unable to join Microsoft Teams meetings from the desktop client"),
        ("Microsoft Teams", "TM", "Chat and messaging", "Teams Components", "Some users' chat messages may be delayed"),
        ("SharePoint Online", "SP", "SharePoint Features", "SharePoint Features", "Users may see errors when opening files in SharePoint Online document libraries"),
        ("Microsoft Entra", "AD", "Sign-In", "Microsoft Entra ID", "Users may be intermittently prompted for multifactor authentication more often than expected"),
        ("Microsoft Intune", "IT", "Device enrollment", "Intune", "Admins may see delays in device compliance state reporting"),
    ];

    private static readonly (string Title, string Category, string[] Services)[] Messages =
    [
        ("Retirement of legacy authentication for Exchange ActiveSync", "planForChange", ["Exchange Online"]),
        ("New Teams meeting recap features rolling out", "stayInformed", ["Microsoft Teams"]),
        ("Action required: update your SharePoint sharing settings", "preventOrFixIssue", ["SharePoint Online"]),
        ("Multifactor authentication registration campaign enabled by default", "planForChange", ["Microsoft Entra"]),
        ("Intune ends support for Android device administrator", "planForChange", ["Microsoft Intune"]),
    ];

    public static (List<ServiceIssue> Issues, List<ServiceMessage> Messages) Build(int seed, DateTimeOffset today)
    {
        var random = new Random(DeterministicGuid.RandomSeed(seed, "service-health"));
        var issues = new List<ServiceIssue>();
        foreach (var (service, prefix, feature, group, title) in Templates)
        {
            for (var n = random.Next(1, 3); n > 0; n--)
            {
                var start = today.AddHours(-random.Next(2, 30 * 24));
                var open = issues.Count % 6 == 2;
                var end = open ? (DateTimeOffset?)null : start.AddHours(random.Next(1, 20));
                var incident = random.Next(3) == 0;
                issues.Add(new ServiceIssue($"{prefix}{random.Next(100_000, 999_999)}", service, title, incident ? "incident" : "advisory",
                    open ? (incident ? "serviceDegradation" : "investigating") : "serviceRestored", feature, group,
                    $"{title}.", start, end, end ?? start.AddHours(1)));
            }
        }

        var messages = Messages.Select(m => new ServiceMessage($"MC{random.Next(100_000, 999_999)}", m.Services, m.Title, m.Category,
            m.Category == "preventOrFixIssue" ? "high" : "normal", m.Category == "planForChange", today.AddDays(-random.Next(1, 30)),
            m.Category == "stayInformed" ? null : today.AddDays(random.Next(14, 120)),
            $"<p>{m.Title}.</p><p>How this will affect your organization: review the change and update your documentation.</p>")).ToList();
        return (issues.OrderByDescending(i => i.StartDateTime).ToList(), messages);
    }

    /// <summary>The services a tenant has: Entra always, the others by the service plans of its subscriptions.</summary>
    public static HashSet<string> ServicesOf(TenantContent content)
    {
        var plans = content.PartnerSubscriptions.Where(s => s.Status == "active").SelectMany(s => s.Product.ServicePlans).ToHashSet();
        var services = new HashSet<string> { "Microsoft Entra" };
        if (plans.Any(p => p.StartsWith("EXCHANGE_S_", StringComparison.Ordinal)))
        {
            services.Add("Exchange Online");
        }

        if (plans.Contains("MCOSTANDARD"))
        {
            services.UnionWith(["Microsoft Teams", "SharePoint Online"]);
        }

        if (plans.Contains("INTUNE_A"))
        {
            services.Add("Microsoft Intune");
        }

        return services;
    }
}
