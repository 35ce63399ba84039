using System.Globalization;

namespace Runner.Sandbox.Data;

/// <summary>
/// The last 30 days of a customer's directory audit log, worked out on first request from its own random stream: what
/// the customer's own admins did (profile edits, password resets, licence changes, group members), the occasional
/// entry an MSP's review exists for (a second Global Administrator added lately, a user consenting to an unknown app
/// for mail access where the authorization policy lets users consent), and Conditional Access policy edits where there are policies. Changes made through the sandbox's
/// Graph are appended as they happen (<see cref="Graph.DirectoryAudits"/>). Consistent with the rest of the tenant:
/// a role added here is one the user holds in /directoryRoles.
/// </summary>
internal static class DirectoryAuditSeeder
{
    private static readonly string[] Departments = ["Sales", "Finance", "Operations", "Marketing", "IT"];

    private static readonly string[] Titles = ["Account Manager", "Analyst", "Team Lead", "Coordinator", "Consultant"];

    private static readonly string[] ConsentApps = ["PDF Converter Pro", "Mail Organizer", "Calendar Sync Tool"];

    public static List<DirectoryAuditRecord> Build(int seed, SandboxTenant tenant, TenantContent content, DateTimeOffset today)
    {
        var random = new Random(DeterministicGuid.RandomSeed(seed, $"directory-audits:{tenant.Id}"));
        var users = content.Users.Where(u => u.UserType == "Member").ToList();
        var global = content.Directory.Roles.FirstOrDefault(r => r.RoleTemplateId == DirectorySeeder.RoleTemplates[0].Template);
        var admins = users.Where(u => global?.MemberIds.Contains(u.Id) == true).ToList();
        var others = users.Where(u => !admins.Contains(u)).ToList();
        if (others.Count == 0 || admins.Count == 0)
        {
            return [];
        }

        var records = new List<DirectoryAuditRecord>();
        var ip = $"203.0.113.{random.Next(1, 255)}";
        DateTimeOffset Within(int days) => today.AddMinutes(-random.Next(10, days * 24 * 60));
        void Add(DateTimeOffset at, string activity, string category, string operation, AuditInitiator by, params AuditTarget[] targets) =>
            records.Add(New(seed, tenant, records.Count, at, activity, category, operation, "Core Directory", by, targets));
        AuditInitiator Admin() => AuditInitiator.User(admins[random.Next(admins.Count)], ip);
        SandboxUser AnyUser() => users[random.Next(users.Count)];

        for (var i = random.Next(3, 12); i > 0; i--)
        {
            // What the tenant's Global Administrators do to other accounts.
            var user = others[random.Next(others.Count)];

            switch (random.Next(4))
            {
                case 0:
                    var (name, values) = random.Next(2) == 0 ? ("Department", Departments) : ("JobTitle", Titles);
                    Add(Within(30), "Update user", "UserManagement", "Update", Admin(),
                        AuditTarget.Of(user, new AuditChange(name, Json(values[random.Next(values.Length)]), Json(values[random.Next(values.Length)]))));
                    break;
                case 1:
                    Add(Within(30), "Reset user password", "UserManagement", "Update", Admin(), AuditTarget.Of(user));
                    break;
                case 2:
                    Add(Within(30), "Change user license", "UserManagement", "Update", Admin(), AuditTarget.Of(user));
                    break;
                default:
                    if (content.Directory.Groups.Count > 0)
                    {
                        var group = content.Directory.Groups[random.Next(content.Directory.Groups.Count)];
                        Add(Within(30), "Add member to group", "GroupManagement", "Assign", Admin(),
                            AuditTarget.Of(user), new AuditTarget("Group", group.Id, group.DisplayName, null, [new AuditChange("Group.DisplayName", null, Json(group.DisplayName))]));
                    }

                    break;
            }
        }

        // A Global Administrator added lately: the second holder of the role, when there is one, in about half the
        // tenants; within 6 days of the seeding day, so that at any hour it is still inside a week (what Entra keeps
        // without P1, and a weekly review's window).
        if (global is { MemberIds.Count: > 1 } && random.Next(2) == 0 && users.FirstOrDefault(u => u.Id == global.MemberIds[1]) is { } promoted)
        {
            Add(Within(6), "Add member to role", "RoleManagement", "Assign", AuditInitiator.User(admins[0], ip),
                AuditTarget.Of(promoted, new AuditChange("Role.DisplayName", null, Json("Global Administrator"))),
                new AuditTarget("Role", global.Id, "Global Administrator", null, []));
        }

        // A user consenting to a multi-tenant app asking for mail: what illicit-consent reviews look for.
        if (random.Next(2) == 0 && content.Authorization.AllowsUserConsent)
        {
            var app = ConsentApps[random.Next(ConsentApps.Length)];
            Add(Within(30), "Consent to application", "ApplicationManagement", "Assign", AuditInitiator.User(AnyUser(), $"198.51.100.{random.Next(1, 255)}"),
                new AuditTarget("ServicePrincipal", DeterministicGuid.Create(seed, $"{tenant.Id}:consent-sp:{app}"), app, null,
                    [new AuditChange("ConsentAction.Permissions", null, Json("Scope: Mail.Read Mail.Send offline_access User.Read"))]));
        }

        foreach (var policy in content.Directory.Policies.Where(_ => random.Next(3) == 0))
        {
            records.Add(New(seed, tenant, records.Count, Within(30), "Update conditional access policy", "Policy", "Update", "Conditional Access", Admin(),
                [new AuditTarget("Policy", policy.Id, policy.DisplayName, null, [new AuditChange("State", null, Json(policy.State))])]));
        }

        return records;
    }

    /// <summary>An entry with Entra's id shape: Directory_{correlation id}_{five characters}_{number}.</summary>
    public static DirectoryAuditRecord New(int seed, SandboxTenant tenant, int n, DateTimeOffset at, string activity, string category, string operation, string service, AuditInitiator by, IReadOnlyList<AuditTarget> targets)
    {
        var correlation = DeterministicGuid.Create(seed, $"{tenant.Id}:audit:{n}:{at.UtcTicks}");
        var tag = Convert.ToHexString(correlation.ToByteArray(), 0, 3)[..5];
        var number = (BitConverter.ToInt32(correlation.ToByteArray(), 4) & int.MaxValue) % 900_000_000 + 100_000_000;
        var prefix = service == "Core Directory" ? "Directory" : "IPCGraph";
        return new DirectoryAuditRecord(string.Create(CultureInfo.InvariantCulture, $"{prefix}_{correlation}_{tag}_{number}"), at, activity, category, operation, service, correlation, by, targets);
    }

    /// <summary>Entra writes old and new values as JSON text: a string becomes "[\"value\"]".</summary>
    public static string Json(string value) => System.Text.Json.JsonSerializer.Serialize(new[] { value });
}
