using System.Globalization;
using System.Text;

namespace Runner.Sandbox.Data;

/// <summary>
/// Builds the fake partner and its customers from a seed. The same seed and start day give the same data;
/// dates are relative to the start day so "inactive for 90 days" always finds someone. By position in each ten
/// customers: 1st and 7th use exactly the licences they bought, 4th's GDAP ends within 30 days, 6th has no Azure,
/// 8th has no GDAP, 9th's GDAP has expired, 10th has a suspended subscription (see docs/sandbox.md).
/// </summary>
internal static class SandboxSeeder
{
    public const string PartnerName = "Relecloud Partners";
    public const string PartnerDomain = "relecloudpartners.onmicrosoft.com";

    public static SandboxDirectory Build(int seed, int customerCount, DateTimeOffset now)
    {
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        SandboxUser? admin = null;
        // The partner's content is built on first use, after the admin below exists: the admin is one of its users.
        var partner = new SandboxTenant(DeterministicGuid.Create(seed, "partner"), PartnerName, PartnerDomain, -1, true,
            t => BuildPartnerContent(seed, t, today, admin!));
        var customers = new SandboxTenant[customerCount];
        var usedDomains = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { PartnerDomain };
        for (var i = 0; i < customerCount; i++)
        {
            var baseName = SandboxNames.Companies[i % SandboxNames.Companies.Length];
            var round = i / SandboxNames.Companies.Length;
            var name = round == 0 ? baseName : $"{baseName} {round + 1}";
            var domain = $"{Slug(name)}.onmicrosoft.com";
            for (var n = 2; !usedDomains.Add(domain); n++)
            {
                domain = $"{Slug(name)}{n}.onmicrosoft.com";
            }

            customers[i] = new SandboxTenant(DeterministicGuid.Create(seed, $"customer:{i}"), name, domain, i, false,
                t => BuildCustomerContent(seed, t, today));
        }

        var application = new SandboxApplication
        {
            ClientId = DeterministicGuid.Create(seed, "application"),
            DisplayName = "Runner (sandbox partner app)",
            ClientSecret = "sbx~" + Convert.ToBase64String(DeterministicGuid.Create(seed, "secret").ToByteArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
            HomeTenantId = partner.Id,
            // The loopback consent listener, and the operator console's sign-in callback on this machine. Entra ignores
            // the port of a localhost redirect URI but matches its path ("Redirect URI (reply URL) outline and
            // restrictions", localhost exceptions); localhost and 127.0.0.1 are registered apart, as they must be there.
            RedirectUris = ["http://localhost", "http://localhost/signin-oidc", "http://127.0.0.1/signin-oidc"],
        };

        admin = new SandboxUser
        {
            Id = DeterministicGuid.Create(seed, "partner-admin"),
            TenantId = partner.Id,
            GivenName = "Ada",
            Surname = "Admin",
            DisplayName = "Ada Admin",
            UserPrincipalName = $"admin@{PartnerDomain}",
            JobTitle = "Partner administrator",
            AccountEnabled = true,
            CreatedDateTime = today.AddYears(-3),
            LastSignInDateTime = today.AddDays(-1),
        };

        // The partner admin may operate the console (its app role); a deployment assigns roles in Entra the same way.
        application.AppRoleAssignments[admin.Id] = ["Runner.Operator"];
        application.GroupClaims[admin.Id] = [RunnerOperatorsGroup(seed)];
        return new SandboxDirectory(partner, customers, application, admin, GdapSeeder.Build(seed, customers, today), seed);
    }

    /// <summary>The partner's "Runner operators" security group, which the partner admin is a member of.</summary>
    public static Guid RunnerOperatorsGroup(int seed) => DeterministicGuid.Create(seed, "group:runner-operators");

    private static TenantContent BuildPartnerContent(int seed, SandboxTenant tenant, DateTimeOffset today, SandboxUser admin)
    {
        var random = new Random(DeterministicGuid.RandomSeed(seed, "partner-content"));
        var users = new List<SandboxUser>();
        for (var i = 0; i < 6; i++)
        {
            users.Add(CreateUser(random, tenant, i, today, []));
        }

        // Every user who signs in exists in its home directory (GET /users, $filter=userPrincipalName eq '...').
        users.Add(admin);

        var content = new TenantContent
        {
            Users = users,
            VerifiedDomains = [tenant.Domain, "relecloud.example"],
            AzureSubscriptions = [],
            PartnerSubscriptions = [],
            CreatedDateTime = today.AddYears(-6),
            CountryLetterCode = "GB",
        };
        content.Directory = DirectorySeeder.Build(seed, tenant, content, today);
        // The admin who consents for the partner's app is a Global Administrator of the partner tenant.
        content.Directory.Roles.First(r => r.RoleTemplateId == DirectorySeeder.RoleTemplates[0].Template).MemberIds.Add(admin.Id);
        return content;
    }

    private static TenantContent BuildCustomerContent(int seed, SandboxTenant tenant, DateTimeOffset today)
    {
        var random = new Random(DeterministicGuid.RandomSeed(seed, $"customer-content:{tenant.Index}"));
        var products = Products.Catalog.OrderBy(_ => random.Next()).Take(1 + random.Next(0, 4)).ToList();
        var skuPool = products.Select(p => p.SkuId).ToArray();
        var userCount = 8 + random.Next(0, 21);
        var users = new List<SandboxUser>(userCount);
        for (var i = 0; i < userCount; i++)
        {
            users.Add(CreateUser(random, tenant, i, today, skuPool));
        }

        var custom = tenant.Domain.Replace(".onmicrosoft.com", ".example", StringComparison.Ordinal);
        DirectorySeeder.KeepSomeLeaversLicences(seed, tenant, users, skuPool);
        var content = new TenantContent
        {
            Users = users,
            VerifiedDomains = [tenant.Domain, custom],
            AzureSubscriptions = AzureSeeder.Build(random, seed, tenant, today),
            PartnerSubscriptions = BuildPartnerSubscriptions(random, seed, tenant, today, products, users),
            CreatedDateTime = today.AddDays(-random.Next(400, 3000)),
            CountryLetterCode = random.Next(3) switch { 0 => "GB", 1 => "DE", _ => "US" },
        };
        content.Directory = DirectorySeeder.Build(seed, tenant, content, today);
        content.DisplayConcealedNames = DeterministicGuid.RandomSeed(seed, $"report-settings:{tenant.Id}") % 3 != 0;
        content.Authorization = AuthorizationSettings.Seed(seed, tenant);
        content.Directory.NamedLocations = NamedLocation.Seed(seed, tenant, content, today);
        GuestSeeder.AddGuests(seed, tenant, content, today);
        ManagerSeeder.AssignManagers(seed, tenant, content.Users);
        // Built from the users as they are at first use, under the content lock (the APIs change users under it).
        // PublicationOnly: the Lazy holds no lock of its own while building, so a thread that already holds the content
        // lock and touches it cannot deadlock with one building it; if two build at once, both get the first result.
        Lazy<List<T>> Later<T>(Func<List<T>> build) => new(() =>
        {
            lock (content.Sync)
            {
                return build();
            }
        }, LazyThreadSafetyMode.PublicationOnly);
        content.Later = new LaterContent(
            Later(() => DeviceSeeder.Build(seed, tenant, content, today)),
            Later(() => EntraDeviceSeeder.Build(seed, tenant, content, today)),
            Later(() => ApplicationSeeder.Build(seed, tenant, today)),
            Later(() => SignInSeeder.Build(seed, tenant, content, today)),
            Later(() => DirectoryAuditSeeder.Build(seed, tenant, content, today).OrderBy(a => a.ActivityDateTime).ToList()),
            Later(() => SecurityAlertSeeder.Build(seed, tenant, content, today)));
        return content;
    }

    private static SandboxUser CreateUser(Random random, SandboxTenant tenant, int i, DateTimeOffset today, Guid[] skuPool)
    {
        var given = SandboxNames.GivenNames[random.Next(SandboxNames.GivenNames.Length)];
        var surname = SandboxNames.Surnames[random.Next(SandboxNames.Surnames.Length)];
        var roll = random.Next(100);
        // About one in ten accounts is disabled and about one in six has not signed in for over 90 days.
        var enabled = roll >= 10;
        DateTimeOffset? lastSignIn = roll switch
        {
            < 10 => today.AddDays(-random.Next(100, 400)),
            < 26 => roll % 4 == 0 ? null : today.AddDays(-random.Next(91, 365)),
            _ => today.AddDays(-random.Next(0, 30)).AddMinutes(-random.Next(0, 1440)),
        };
        var skus = new List<Guid>();
        if (skuPool.Length > 0 && enabled && random.Next(100) < 85)
        {
            skus.Add(skuPool[random.Next(skuPool.Length)]);
        }

        return new SandboxUser
        {
            Id = DeterministicGuid.Create(0, $"{tenant.Id}:user:{i}"),
            TenantId = tenant.Id,
            GivenName = given,
            Surname = surname,
            DisplayName = $"{given} {surname}",
            UserPrincipalName = $"{given}.{surname}{(i > 0 ? i.ToString(CultureInfo.InvariantCulture) : "")}@{tenant.Domain}".ToLowerInvariant(),
            JobTitle = SandboxNames.JobTitles[random.Next(SandboxNames.JobTitles.Length)],
            OfficeLocation = random.Next(2) == 0 ? "Remote" : $"Building {random.Next(1, 40)}",
            AccountEnabled = enabled,
            CreatedDateTime = today.AddDays(-random.Next(30, 1500)),
            LastSignInDateTime = lastSignIn,
            AssignedSkuIds = skus,
        };
    }

    /// <summary>
    /// One Partner Center subscription per product. The quantity bought covers the licences assigned in the
    /// directory; customers at positions 0 and 6 of each ten use exactly what they bought, the others have a few
    /// unused licences, so a "bought versus assigned" job finds both. The 10th's first subscription is suspended.
    /// </summary>
    private static List<PartnerSubscription> BuildPartnerSubscriptions(
        Random random, int seed, SandboxTenant tenant, DateTimeOffset today, List<Product> products, List<SandboxUser> users)
    {
        var exactFit = tenant.Index % 10 is 0 or 6;
        var list = new List<PartnerSubscription>(products.Count);
        for (var i = 0; i < products.Count; i++)
        {
            var assigned = users.Count(u => u.AssignedSkuIds.Contains(products[i].SkuId));
            var unused = exactFit ? 0 : random.Next(1, 10);
            var created = today.AddDays(-random.Next(30, 900));
            list.Add(new PartnerSubscription
            {
                Id = DeterministicGuid.Create(seed, $"{tenant.Id}:pcsub:{i}"),
                Product = products[i],
                Quantity = Math.Max(1, assigned + unused),
                Status = tenant.Index % 10 == 9 && i == 0 ? "suspended" : "active",
                AutoRenewEnabled = random.Next(5) != 0,
                BillingCycle = random.Next(3) == 0 ? "annual" : "monthly",
                CreationDate = created,
                CommitmentEndDate = created.AddYears(1 + (int)((today - created).TotalDays / 365)),
            });
        }

        return list;
    }

    private static string Slug(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }
}
