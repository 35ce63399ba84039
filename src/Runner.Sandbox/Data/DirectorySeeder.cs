namespace Runner.Sandbox.Data;

/// <summary>
/// Seeds <see cref="DirectoryObjects"/> and the per-user facts that go with them (usage location, licences kept by
/// disabled accounts) with its own random stream, so the users, Azure and Partner Center data stay as they were.
/// Tenants with Entra ID P1 (Microsoft 365 Business Premium) use Conditional Access; the others security defaults.
/// </summary>
internal static class DirectorySeeder
{
    /// <summary>The Entra ID P1 service plan; Graph's premium-only features check for it.</summary>
    public const string PremiumPlan = "AAD_PREMIUM";

    public static readonly (Guid Template, string Name, string Description)[] RoleTemplates =
    [
        (Guid.Parse("62e90394-69f5-4237-9190-012177145e10"), "Global Administrator", "Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities."),
        (Guid.Parse("fe930be7-5e62-47db-91af-98c3a49a38b1"), "User Administrator", "Can manage all aspects of users and groups, including resetting passwords for limited admins."),
        (Guid.Parse("729827e3-9c14-49f7-bb1b-9608f156bbb8"), "Helpdesk Administrator", "Can reset passwords for non-administrators and Helpdesk Administrators."),
        (Guid.Parse("f2ef992c-3afb-46b9-b7cf-a126ee74c451"), "Global Reader", "Can read everything that a Global Administrator can, but not update anything."),
        (Guid.Parse("29232cdf-9323-42fd-ade2-1d097af3e4de"), "Exchange Administrator", "Can manage all aspects of the Exchange product."),
    ];

    private static readonly string[] GroupNames = ["All Staff", "IT Admins", "Finance", "Sales", "Remote Workers", "Leadership"];

    private static readonly string[][] MethodSets =
    [
        ["microsoftAuthenticatorPush", "softwareOneTimePasscode"],
        ["mobilePhone"],
        ["microsoftAuthenticatorPush", "mobilePhone"],
        ["fido2"],
    ];

    /// <summary>
    /// Called before Partner Center quantities are derived from assignments: about half the disabled accounts keep a
    /// licence, as leavers' accounts do until someone removes it.
    /// </summary>
    public static void KeepSomeLeaversLicences(int seed, SandboxTenant tenant, List<SandboxUser> users, Guid[] skuPool)
    {
        var random = new Random(DeterministicGuid.RandomSeed(seed, $"leavers:{tenant.Id}"));
        foreach (var user in users.Where(u => !u.AccountEnabled && u.AssignedSkuIds.Count == 0))
        {
            if (skuPool.Length > 0 && random.Next(2) == 0)
            {
                user.AssignedSkuIds.Add(skuPool[random.Next(skuPool.Length)]);
            }
        }
    }

    public static DirectoryObjects Build(int seed, SandboxTenant tenant, TenantContent content, DateTimeOffset today)
    {
        var random = new Random(DeterministicGuid.RandomSeed(seed, $"directory:{tenant.Id}"));
        var users = content.Users;
        var premium = HasPremium(content);
        foreach (var user in users)
        {
            // Licensed users must have one; about one in eight of the others was created without it.
            user.UsageLocation = user.AssignedSkuIds.Count > 0 || random.Next(8) != 0 ? content.CountryLetterCode : null;
        }

        var roles = new List<DirectoryRole>();
        foreach (var (template, name, description) in RoleTemplates)
        {
            var members = new List<Guid>();
            if (template == RoleTemplates[0].Template)
            {
                // The first user is always a Global Administrator; sometimes a second account is too.
                members.Add(users[0].Id);
                if (random.Next(3) == 0)
                {
                    members.Add(users[1 + random.Next(users.Count - 1)].Id);
                }
            }
            else if (random.Next(2) == 0)
            {
                members.Add(users[1 + random.Next(users.Count - 1)].Id);
            }

            if (members.Count > 0)
            {
                roles.Add(new DirectoryRole(DeterministicGuid.Create(seed, $"{tenant.Id}:role:{template}"), template, name, description, members.Distinct().ToList()));
            }
        }

        var groups = new List<SandboxGroup>();
        for (var i = 0; i < GroupNames.Length; i++)
        {
            var members = i == 0 ? users.Select(u => u.Id).ToList() : users.Where(_ => random.Next(4) == 0).Select(u => u.Id).ToList();
            groups.Add(new SandboxGroup(
                DeterministicGuid.Create(seed, $"{tenant.Id}:group:{i}"),
                GroupNames[i],
                $"{GroupNames[i]} of {tenant.DisplayName}",
                GroupNames[i].Replace(" ", "", StringComparison.Ordinal),
                IsMicrosoft365: i == 0,
                today.AddDays(-random.Next(30, 900)),
                members));
        }

        var policies = premium ? Policies(seed, tenant, random, today) : [];
        var registrations = new Dictionary<Guid, string[]>();
        var admins = roles.SelectMany(r => r.MemberIds).ToHashSet();
        foreach (var user in users)
        {
            // Admins are registered more often than others, but not always: that is what the audit is for.
            var registered = random.Next(100) < (admins.Contains(user.Id) ? 80 : 65);
            registrations[user.Id] = registered ? MethodSets[random.Next(MethodSets.Length)] : [];
        }

        return new DirectoryObjects
        {
            Roles = roles,
            Groups = groups,
            Policies = policies,
            // Security defaults cannot be on while Conditional Access policies are enabled.
            SecurityDefaultsEnabled = !policies.Any(p => p.State == "enabled") && random.Next(4) != 0,
            Registrations = registrations,
        };
    }

    /// <summary>Whether an active subscription includes Entra ID P1 (Graph's "premium license").</summary>
    public static bool HasPremium(TenantContent content) =>
        content.PartnerSubscriptions.Any(s => s.Status == "active" && s.Product.ServicePlans.Contains(PremiumPlan));

    private static List<ConditionalAccessPolicy> Policies(int seed, SandboxTenant tenant, Random random, DateTimeOffset today)
    {
        var adminRoles = RoleTemplates.Take(3).Select(r => r.Template).ToArray();
        var all = new List<ConditionalAccessPolicy>
        {
            new(DeterministicGuid.Create(seed, $"{tenant.Id}:ca:0"), "Require multifactor authentication for admins", "enabled",
                today.AddDays(-random.Next(60, 700)), [], adminRoles, ["all"], "OR", ["mfa"]),
            new(DeterministicGuid.Create(seed, $"{tenant.Id}:ca:1"), "Block legacy authentication",
                random.Next(2) == 0 ? "enabled" : "enabledForReportingButNotEnforced",
                today.AddDays(-random.Next(60, 700)), ["All"], [], ["exchangeActiveSync", "other"], "OR", ["block"]),
            new(DeterministicGuid.Create(seed, $"{tenant.Id}:ca:2"), "Require multifactor authentication for all users",
                random.Next(3) == 0 ? "enabled" : "disabled",
                today.AddDays(-random.Next(10, 300)), ["All"], [], ["all"], "OR", ["mfa"]),
        };
        return all.Take(1 + random.Next(all.Count)).ToList();
    }
}
