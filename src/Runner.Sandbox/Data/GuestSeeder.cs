namespace Runner.Sandbox.Data;

/// <summary>
/// Guest users (B2B collaboration) in each customer tenant, seeded after everything else from their own random
/// stream so members, licences, Azure, Partner Center and the directory objects stay as they were. Every tenant has
/// at least one guest whose last sign-in is older than 90 days, one who never signed in and was invited long ago,
/// and one who signs in regularly: a "disable stale guests" job finds something everywhere and must leave some alone.
/// </summary>
internal static class GuestSeeder
{
    /// <summary>Home domains of the guests: consumer mail and other organisations.</summary>
    private static readonly string[] HomeDomains =
        ["outlook.com", "gmail.com", "hotmail.co.uk", "proton.me", "fabrikamconsulting.example", "litwarepartners.example", "northwindlogistics.example"];

    private enum Kind
    {
        Stale,
        NeverSignedIn,
        Recent,
        JustInvited,
    }

    public static void AddGuests(int seed, SandboxTenant tenant, TenantContent content, DateTimeOffset today)
    {
        var random = new Random(DeterministicGuid.RandomSeed(seed, $"guests:{tenant.Id}"));
        var count = 3 + random.Next(4);
        var upns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var collaboration = content.Directory.Groups.Where(g => !g.IsMicrosoft365).ToList();
        for (var i = 0; i < count; i++)
        {
            var kind = i < 3 ? (Kind)i : (Kind)random.Next(4);
            var guest = Create(random, tenant, i, kind, today, upns);
            content.Users.Add(guest);

            // A guest registers MFA in its home tenant, not here: the registration report shows none.
            content.Directory.Registrations[guest.Id] = [];
            if (collaboration.Count > 0 && random.Next(2) == 0)
            {
                collaboration[random.Next(collaboration.Count)].MemberIds.Add(guest.Id);
            }
        }
    }

    private static SandboxUser Create(Random random, SandboxTenant tenant, int i, Kind kind, DateTimeOffset today, HashSet<string> upns)
    {
        var given = SandboxNames.GivenNames[random.Next(SandboxNames.GivenNames.Length)];
        var surname = SandboxNames.Surnames[random.Next(SandboxNames.Surnames.Length)];
        var domain = HomeDomains[random.Next(HomeDomains.Length)];
        var mail = $"{given}.{surname}@{domain}".ToLowerInvariant();
        // "Properties of a Microsoft Entra B2B collaboration user": the UPN is the home address with @ replaced by _,
        // then #EXT# and the inviting tenant's initial domain.
        var upn = $"{mail.Replace('@', '_')}#EXT#@{tenant.Domain}";
        if (!upns.Add(upn))
        {
            mail = $"{given}.{surname}{i}@{domain}".ToLowerInvariant();
            upn = $"{mail.Replace('@', '_')}#EXT#@{tenant.Domain}";
            upns.Add(upn);
        }

        DateTimeOffset? lastSignIn = kind switch
        {
            Kind.Stale => today.AddDays(-random.Next(91, 500)).AddMinutes(-random.Next(0, 1440)),
            Kind.Recent => today.AddDays(-random.Next(0, 21)).AddMinutes(-random.Next(0, 1440)),
            _ => null,
        };
        var created = kind switch
        {
            Kind.NeverSignedIn => today.AddDays(-random.Next(100, 700)),
            Kind.JustInvited => today.AddDays(-random.Next(1, 20)),
            _ => (lastSignIn ?? today).AddDays(-random.Next(30, 600)),
        };

        return new SandboxUser
        {
            Id = DeterministicGuid.Create(0, $"{tenant.Id}:guest:{i}"),
            TenantId = tenant.Id,
            GivenName = given,
            Surname = surname,
            DisplayName = $"{given} {surname}",
            UserPrincipalName = upn,
            Mail = mail,
            AccountEnabled = true,
            CreatedDateTime = created,
            LastSignInDateTime = lastSignIn,
            UserType = "Guest",
            // Redeeming the invitation is a sign-in; a guest who never signed in has not accepted it.
            ExternalUserState = lastSignIn is null ? "PendingAcceptance" : "Accepted",
        };
    }
}
