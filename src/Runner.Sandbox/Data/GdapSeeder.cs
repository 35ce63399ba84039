namespace Runner.Sandbox.Data;

/// <summary>
/// The partner's GDAP relationships, seeded so every status of Graph v1.0's delegatedAdminRelationship appears among
/// the first ten customers, most customers have several, and the roles differ ("GDAP role guidance": least
/// privilege, no Global Administrator where a narrower role does). By position in each ten: 0 active + activating;
/// 1 active with read-only roles + approvalPending with write roles; 2 active + an older expired one; 3 active ending
/// within 30 days (the older standard set, without Authentication and Intune Administrator); 4 active with Global Administrator for two years (no auto-extend, as Microsoft refuses it with that
/// role) + approved; 5 active + expiring (helpdesk: Helpdesk and Authentication Administrator); 6 active + terminationRequested + created; 7 none at all (from the second ten
/// on, one that never became active); 8 expired + terminated; 9 active + terminating.
/// </summary>
internal static class GdapSeeder
{
    public const string GlobalAdministrator = "62e90394-69f5-4237-9190-012177145e10";
    public const string UserAdministrator = "fe930be7-5e62-47db-91af-98c3a49a38b1";
    public const string HelpdeskAdministrator = "729827e3-9c14-49f7-bb1b-9608f156bbb8";
    public const string LicenseAdministrator = "4d6ac14f-3453-41d0-bef9-a3e0c569773a";
    public const string GroupsAdministrator = "fdd7a751-b60b-444a-984c-02652fe8fa1c";
    public const string AuthenticationAdministrator = "c4e39bd9-1100-46d3-8c65-fb160da0071f";
    public const string PrivilegedAuthenticationAdministrator = "7be44c8a-adaf-4e2a-84d6-ab2649e08a13";
    public const string CloudDeviceAdministrator = "7698a772-787b-4ac8-901f-60d6b08affd2";
    public const string IntuneAdministrator = "3a2c62db-5318-420d-8d74-23affee5d9d5";
    public const string SecurityAdministrator = "194ae4cb-b126-40b2-bd5b-6091b380977d";
    public const string ConditionalAccessAdministrator = "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9";
    public const string PrivilegedRoleAdministrator = "e8611ab8-c189-46e8-94e1-60213ab1f814";
    public const string DirectoryReaders = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b";
    public const string GlobalReader = "f2ef992c-3afb-46b9-b7cf-a126ee74c451";
    public const string SecurityReader = "5d6b6bb7-de71-4623-b4af-96380a352509";
    public const string ReportsReader = "4a5d8f65-41da-4de4-8968-e035b65339cf";

    /// <summary>What an MSP's standard relationship asks for: user, licence, group, MFA, device and security work, no Global Administrator.</summary>
    private static readonly string[] Standard =
        [UserAdministrator, HelpdeskAdministrator, LicenseAdministrator, GroupsAdministrator, AuthenticationAdministrator, IntuneAdministrator, SecurityAdministrator, ConditionalAccessAdministrator, DirectoryReaders];

    /// <summary>The standard set as it was before the partner added Authentication and Intune Administrator: relationships about to end still have it.</summary>
    private static readonly string[] OlderStandard = [.. Standard.Where(r => r is not (AuthenticationAdministrator or IntuneAdministrator))];

    private static readonly string[] ReadOnly = [DirectoryReaders, GlobalReader, SecurityReader, ReportsReader];

    private static readonly string[] NeverActivated = ["created", "approvalPending", "approved", "activating", "terminated"];

    public static List<GdapRelationship> Build(int seed, SandboxTenant[] customers, DateTimeOffset today)
    {
        var list = new List<GdapRelationship>(customers.Length * 2);
        foreach (var customer in customers)
        {
            var slot = customer.Index % 10;
            var random = new Random(DeterministicGuid.RandomSeed(seed, $"gdap:{customer.Index}"));
            var created = today.AddDays(-random.Next(200, 700));
            var n = 0;
            void Add(string status, DateTimeOffset createdAt, DateTimeOffset? activated, DateTimeOffset end, string[] roles, string name = "Relecloud managed services")
            {
                var id = $"{DeterministicGuid.Create(seed, $"gdap:{customer.Index}:{n}")}-{DeterministicGuid.Create(seed, $"gdap-request:{customer.Index}:{n}")}";
                // Auto-extend (by 180 days) is not allowed for a relationship that includes Global Administrator.
                var autoExtend = roles.Contains(GlobalAdministrator) || !GdapRelationship.GrantsAccessIn(status) ? "PT0S" : "P180D";
                list.Add(new GdapRelationship(id, $"{name} - {customer.DisplayName}", customer.Id, customer.DisplayName, status, createdAt, activated, end, roles, autoExtend));
                n++;
            }

            var recent = today.AddDays(-random.Next(1, 10));

            // In force for `remaining` more days out of a duration of at most two years (P730D, the documented maximum).
            void InForce(string status, int remaining, string[] roles, string name = "Relecloud managed services", int? duration = null)
            {
                var days = duration ?? Math.Min(730, remaining + random.Next(30, 400));
                var end = today.AddDays(remaining);
                var activated = end.AddDays(-days);
                Add(status, activated.AddHours(-2), activated, end, roles, name);
            }
            switch (slot)
            {
                case 0:
                    InForce("active", random.Next(120, 700), Standard);
                    Add("activating", recent, null, recent.AddDays(730), [SecurityAdministrator], "Relecloud security operations");
                    break;
                case 1:
                    InForce("active", random.Next(120, 700), ReadOnly, "Relecloud monitoring");
                    Add("approvalPending", recent, null, recent.AddDays(365), Standard);
                    break;
                case 2:
                    Add("expired", created.AddDays(-366), created.AddDays(-365), created.AddDays(-1), [GlobalAdministrator], "Relecloud onboarding");
                    InForce("active", random.Next(120, 700), Standard);
                    break;
                case 3:
                    InForce("active", random.Next(5, 28), OlderStandard);
                    break;
                case 4:
                    InForce("active", random.Next(60, 700), [GlobalAdministrator], "Relecloud full administration", duration: 730);
                    Add("approved", recent, null, recent.AddDays(180), [ReportsReader], "Relecloud reporting");
                    break;
                case 5:
                    InForce("active", random.Next(120, 700), Standard);
                    InForce("expiring", random.Next(2, 7), [HelpdeskAdministrator, AuthenticationAdministrator], "Relecloud helpdesk", duration: 180);
                    break;
                case 6:
                    InForce("active", random.Next(120, 700), Standard);
                    InForce("terminationRequested", random.Next(30, 300), [PrivilegedRoleAdministrator], "Relecloud role management");
                    Add("created", recent, null, recent.AddDays(90), [GroupsAdministrator], "Relecloud groups");
                    break;
                case 7 when customer.Index >= 10:
                    var status = NeverActivated[(customer.Index / 10) % NeverActivated.Length];
                    Add(status, recent, status == "terminated" ? recent.AddHours(1) : null, recent.AddDays(status == "terminated" ? 2 : 365), Standard);
                    break;
                case 7:
                    break;
                case 8:
                    Add("terminated", created.AddDays(-400), created.AddDays(-400).AddHours(1), created.AddDays(-200), Standard, "Relecloud previous contract");
                    Add("expired", created, created.AddHours(2), today.AddDays(-random.Next(5, 60)), Standard);
                    break;
                default:
                    InForce("active", random.Next(120, 700), Standard);
                    InForce("terminating", random.Next(30, 300), [GlobalReader], "Relecloud audit");
                    break;
            }
        }

        return list;
    }
}
