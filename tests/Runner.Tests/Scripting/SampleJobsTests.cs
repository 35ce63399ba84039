using System.Text.Json.Nodes;
using Runner.Configuration;
using Runner.Sandbox.Data;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Scripting;

/// <summary>The sample jobs in jobs/, run against the sandbox, give exactly what its seeded data says they should.</summary>
public sealed class SampleJobsTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Inactive_users_lists_disabled_and_long_inactive_accounts_of_every_tenant()
    {
        var tenants = await RunAsync("inactive-users.csx", "--param", "days=90");
        var cutoff = DateTimeOffset.UtcNow.AddDays(-90);

        foreach (var customer in ActiveCustomers())
        {
            // Without Entra ID P1 Graph gives no sign-in activity: only disabled accounts can be found there.
            var premium = Runner.Sandbox.Data.DirectorySeeder.HasPremium(customer.Content);
            // The job leaves guests out unless includeGuests=true.
            var expected = customer.Content.Users
                .Where(u => u.UserType == "Member")
                .Where(u => !u.AccountEnabled || (premium && (u.LastSignInDateTime is { } last ? last < cutoff : u.CreatedDateTime <= cutoff)))
                .Select(u => u.UserPrincipalName)
                .Order();
            var rows = Rows(tenants, customer.Id);
            Assert.Equal(expected, rows.Select(r => (string)r["user"]!).Order());
            Assert.All(rows.Where(r => !(bool)r["enabled"]!), r => Assert.Equal("disabled", (string)r["reason"]!));
        }
    }

    [Fact]
    public async Task Licence_usage_compares_partner_center_quantities_with_assigned_licences()
    {
        var tenants = await RunAsync("licence-usage.csx", "--param", "all=true");

        foreach (var customer in ActiveCustomers())
        {
            var content = customer.Content;
            var expected = content.PartnerSubscriptions.GroupBy(s => s.Product.SkuId).Select(g => (
                    Product: g.First().Product.SkuPartNumber,
                    Purchased: g.Where(s => s.Status == "active").Sum(s => s.Quantity),
                    Assigned: content.Users.Count(u => u.AssignedSkuIds.Contains(g.Key))))
                .OrderBy(e => e.Product);
            var actual = Rows(tenants, customer.Id)
                .Select(r => (Product: (string)r["product"]!, Purchased: (int)r["purchased"]!, Assigned: (int)r["assigned"]!))
                .OrderBy(e => e.Product);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public async Task Mfa_report_lists_administrators_and_users_not_registered_for_MFA_with_the_enforcement()
    {
        var tenants = await RunAsync("mfa-report.csx");

        foreach (var customer in ActiveCustomers())
        {
            var directory = customer.Content.Directory;
            var premium = Runner.Sandbox.Data.DirectorySeeder.HasPremium(customer.Content);
            var admins = directory.Roles.SelectMany(r => r.MemberIds).ToHashSet();
            var expected = customer.Content.Users
                .Where(u => admins.Contains(u.Id) || (premium && directory.Registrations[u.Id].Length == 0))
                .Select(u => (u.UserPrincipalName, admins.Contains(u.Id), premium ? directory.Registrations[u.Id].Length > 0 : (bool?)null))
                .Order();
            var enforcement = directory.SecurityDefaultsEnabled ? "security defaults"
                : directory.Policies.Any(p => p.State == "enabled" && p.BuiltInControls.Contains("mfa")) ? "conditional access" : "none";
            var rows = Rows(tenants, customer.Id);

            Assert.Equal(expected, rows.Select(r => ((string)r["user"]!, (bool)r["admin"]!, (bool?)r["mfaRegistered"])).Order());
            Assert.All(rows, r => Assert.Equal(enforcement, (string)r["enforcement"]!));
        }

        Assert.Contains(ActiveCustomers(), c => !Runner.Sandbox.Data.DirectorySeeder.HasPremium(c.Content));
        Assert.Contains(ActiveCustomers(), c => Runner.Sandbox.Data.DirectorySeeder.HasPremium(c.Content));
    }

    [Fact]
    public async Task Secure_score_reports_each_tenants_score_and_the_controls_that_score_nothing()
    {
        var tenants = await RunAsync("secure-score.csx");

        foreach (var customer in ActiveCustomers())
        {
            var directory = customer.Content.Directory;
            var enforced = directory.SecurityDefaultsEnabled || directory.Policies.Any(p => p.State == "enabled");
            var row = Succeeded(tenants, customer.Id)["result"]!;
            Assert.Equal(28, (double)row["max"]!);
            Assert.Equal(0, (double)row["change"]!);
            Assert.Equal(enforced, !((string)row["missing"]!).Contains("AdminMFAV2"));
            Assert.Equal(Math.Round(100 * (double)row["score"]! / 28, 1), (double)row["percent"]!, 1);
        }

        Assert.Contains(ActiveCustomers(), c => !c.Content.Directory.SecurityDefaultsEnabled && !c.Content.Directory.Policies.Any(p => p.State == "enabled"));
    }

    [Fact]
    public async Task Device_compliance_lists_noncompliant_and_stale_devices_and_fails_only_where_GDAP_has_no_intune_role()
    {
        var now = sandbox.Host.Clock.GetUtcNow();
        bool CanRead(SandboxTenant c) => sandbox.Host.RolesInForce(c).Overlaps([GdapSeeder.IntuneAdministrator, GdapSeeder.GlobalReader, GdapSeeder.GlobalAdministrator]);
        var failing = ActiveCustomers().Where(c => DeviceSeeder.IsLicensed(c.Content) && !CanRead(c)).Select(c => c.Id).ToList();

        var tenants = await RunAsync("device-compliance.csx", failing, "--param", "staleDays=30");

        Assert.NotEmpty(failing);
        foreach (var customer in ActiveCustomers().Where(c => !failing.Contains(c.Id)))
        {
            // A tenant whose Intune subscription is suspended answers like one that never had it: no rows.
            var expected = customer.Content.ManagedDevices
                .Where(d => DeviceSeeder.IsLicensed(customer.Content) && (d.ComplianceState != "compliant" || (now - d.LastSyncDateTime).TotalDays >= 30))
                .Select(d => d.DeviceName).Order();
            Assert.Equal(expected, Rows(tenants, customer.Id).Select(r => (string)r["device"]!).Order());
        }

        Assert.Contains(ActiveCustomers(), c => !DeviceSeeder.IsLicensed(c.Content));
        var refused = tenants.Single(t => (string)t!["tenantId"]! == failing[0].ToString())!;
        Assert.Contains("grant no Intune Administrator or Global Reader role", (string)refused["error"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task App_credentials_lists_expired_secrets_and_certificates_and_those_ending_within_the_window()
    {
        var now = sandbox.Host.Clock.GetUtcNow();

        var tenants = await RunAsync("app-credentials.csx", "--param", "days=30");

        foreach (var customer in ActiveCustomers())
        {
            var expected = customer.Content.Applications
                .SelectMany(a => a.Secrets.Select(s => (a.AppId, s.EndDateTime)).Concat(a.Certificates.Select(c => (a.AppId, c.EndDateTime))))
                .Where(c => c.EndDateTime <= now.AddDays(30))
                .Select(c => $"{c.AppId} {c.EndDateTime.UtcDateTime:yyyy-MM-dd}").Order();
            Assert.Equal(expected, Rows(tenants, customer.Id).Select(r => $"{(string)r["appId"]!} {(string)r["ends"]!}").Order());
        }

        Assert.Contains(ActiveCustomers(), c => Rows(tenants, c.Id).Any(r => (bool)r["expired"]!));
    }

    [Fact]
    public async Task Sign_in_review_lists_failed_foreign_and_legacy_sign_ins_of_the_window_where_the_tenant_keeps_a_log()
    {
        var since = sandbox.Host.Clock.GetUtcNow().AddDays(-7);

        var tenants = await RunAsync("sign-in-review.csx", "--param", "days=7");

        foreach (var customer in ActiveCustomers())
        {
            var home = customer.Content.CountryLetterCode;
            var expected = customer.Content.SignIns
                .Where(s => DirectorySeeder.HasPremium(customer.Content) && s.CreatedDateTime >= since)
                .Where(s => s.ErrorCode != 0 || s.CountryOrRegion != home || s.ClientAppUsed is "IMAP4" or "Exchange ActiveSync")
                .Select(s => $"{s.User.UserPrincipalName} {s.CreatedDateTime.UtcDateTime:yyyy-MM-dd HH:mm}").Order();
            Assert.Equal(expected, Rows(tenants, customer.Id).Select(r => $"{(string)r["user"]!} {(string)r["when"]!}").Order());
        }

        Assert.Contains(ActiveCustomers(), c => !DirectorySeeder.HasPremium(c.Content));
        Assert.Contains(ActiveCustomers(), c => Rows(tenants, c.Id).Count > 0);
    }

    [Fact]
    public async Task Admin_changes_lists_the_watched_directory_changes_a_tenants_licence_keeps()
    {
        // The job's list; other tests in this class write through the partner (disable-stale-guests), which the log records too.
        string[] watched =
        [
            "Add member to role", "Remove member from role", "Consent to application", "Add user", "Delete user", "Disable account",
            "Reset user password", "Invalidate all refresh tokens for user", "Add conditional access policy",
            "Update conditional access policy", "Delete conditional access policy",
        ];

        var tenants = await RunAsync("admin-changes.csx", "--param", "days=14");
        var now = sandbox.Host.Clock.GetUtcNow();

        foreach (var customer in ActiveCustomers())
        {
            var since = now.AddDays(DirectorySeeder.HasPremium(customer.Content) ? -14 : -7);
            var expected = customer.Content.DirectoryAudits
                .Where(a => a.ActivityDateTime >= since && watched.Contains(a.ActivityDisplayName))
                .Select(a => $"{a.ActivityDisplayName} {a.ActivityDateTime.UtcDateTime:yyyy-MM-dd HH:mm} {a.InitiatedBy.HomeTenantId is not null}").Order();
            var rows = Rows(tenants, customer.Id);
            Assert.Equal(expected, rows.Select(r => $"{(string)r["activity"]!} {(string)r["when"]!} {(bool)r["byPartner"]!}").Order());
        }

        Assert.Contains(ActiveCustomers(), c => Rows(tenants, c.Id).Any(r => (string)r["activity"]! == "Add member to role"));
    }

    [Fact]
    public async Task Mailbox_quota_lists_the_mailboxes_near_their_warning_quota_where_the_partner_may_read_reports()
    {
        var tenants = await RunAsync("mailbox-quota.csx", "--param", "percent=95");
        var today = new DateTimeOffset(sandbox.Host.Clock.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
        string[] reporting = [GdapSeeder.GlobalAdministrator, GdapSeeder.GlobalReader, GdapSeeder.ReportsReader];

        foreach (var customer in ActiveCustomers())
        {
            var lines = Runner.Sandbox.Graph.UsageReports.MailboxUsageDetail(customer.Content, today, "D7").TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var header = lines[0].Split(',');
            var expected = !sandbox.Host.RolesInForce(customer).Overlaps(reporting) ? [] : lines.Skip(1).Select(l => l.Split(','))
                .Where(c => 100.0 * long.Parse(c[Array.IndexOf(header, "Storage Used (Byte)")]) / long.Parse(c[Array.IndexOf(header, "Issue Warning Quota (Byte)")]) >= 95)
                .Select(c => c[1]).Order().ToList();
            Assert.Equal(expected, Rows(tenants, customer.Id).Select(r => (string)r["user"]!).Order());
            Assert.All(Rows(tenants, customer.Id), r => Assert.Equal(customer.Content.DisplayConcealedNames, (bool)r["concealed"]!));
        }

        Assert.Contains(ActiveCustomers(), c => Rows(tenants, c.Id).Count > 0);
    }

    [Fact]
    public async Task Defender_alerts_lists_the_open_alerts_at_or_above_the_severity_asked_for()
    {
        var tenants = await RunAsync("defender-alerts.csx", "--param", "severity=medium");
        string[] atLeastMedium = ["medium", "high"];

        foreach (var customer in ActiveCustomers())
        {
            var expected = customer.Content.SecurityAlerts
                .Where(a => a.Status != "resolved" && atLeastMedium.Contains(a.Severity))
                .Select(a => $"{a.Severity} {a.Title} {a.User.UserPrincipalName}").Order();
            Assert.Equal(expected, Rows(tenants, customer.Id).Select(r => $"{(string)r["severity"]!} {(string)r["title"]!} {(string)r["user"]!}").Order());
        }

        Assert.Contains(ActiveCustomers(), c => Rows(tenants, c.Id).Count > 0);
    }

    [Fact]
    public async Task Untagged_resource_groups_names_the_missing_required_tags_in_every_subscription()
    {
        var tenants = await RunAsync("untagged-resource-groups.csx", "--param", "tags=owner,COSTCENTER,environment");
        string[] required = ["owner", "COSTCENTER", "environment"];

        foreach (var customer in ActiveCustomers())
        {
            var expected = customer.Content.AzureSubscriptions
                .SelectMany(s => s.ResourceGroups.Select(g => (Subscription: s.SubscriptionId, Group: g.Name,
                    Missing: string.Join(", ", required.Where(t => !g.Tags.Keys.Contains(t, StringComparer.OrdinalIgnoreCase))))))
                .Where(e => e.Missing.Length > 0)
                .Order();
            var actual = Rows(tenants, customer.Id)
                .Select(r => (Subscription: (string)r["subscriptionId"]!, Group: (string)r["resourceGroup"]!, Missing: (string)r["missing"]!))
                .Order();
            Assert.Equal(expected, actual);
        }

        Assert.Contains(tenants, t => t!["result"] is JsonArray { Count: > 0 });
    }

    [Fact]
    public async Task Invoice_by_customer_runs_once_for_the_partner_and_splits_the_latest_invoice_by_customer()
    {
        var tenants = await RunAsync("invoice-by-customer.csx");
        var today = new DateTimeOffset(sandbox.Host.Clock.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
        var latest = InvoiceSeeder.Build(sandbox.Host.Context.Options.Seed, sandbox.Host.Context.Directory.Customers, today).MaxBy(i => i.InvoiceDate)!;

        var row = Assert.Single(tenants)!;
        Assert.Equal(sandbox.Host.PartnerTenantId.ToString(), (string)row["tenantId"]!);
        var rows = (row["result"] as JsonArray)!.Select(r => r!).ToList();
        var expected = latest.Lines.GroupBy(l => l.Customer.Id).ToDictionary(g => g.Key.ToString(), g => (g.Count(), g.Sum(l => l.Total)));
        Assert.Equal(expected.Keys.Order(), rows.Select(r => (string)r["customerId"]!).Order());
        Assert.All(rows, r => Assert.Equal(expected[(string)r["customerId"]!], ((int)r["subscriptions"]!, (decimal)r["total"]!)));
        Assert.All(rows, r => Assert.Equal(latest.Id, (string)r["invoice"]!));
        Assert.Equal(rows.Select(r => (decimal)r["total"]!).OrderDescending(), rows.Select(r => (decimal)r["total"]!));
    }

    [Fact]
    public async Task Gdap_expiring_runs_once_for_the_partner_and_lists_relationships_ending_within_the_window()
    {
        var tenants = await RunAsync("gdap-expiring.csx", "--param", "days=30");

        var row = Assert.Single(tenants)!;
        Assert.Equal(sandbox.Host.PartnerTenantId.ToString(), (string)row["tenantId"]!);
        var now = DateTimeOffset.UtcNow;
        var expected = sandbox.Host.Context.Directory.Relationships
            .Where(r => r.Status == "active" && r.EndDateTime > now && r.EndDateTime <= now.AddDays(30))
            .Select(r => r.CustomerTenantId.ToString())
            .Order();
        var actual = (row["result"] as JsonArray ?? []).Select(r => (string)r!["customerTenantId"]!).Order();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Disable_stale_guests_plans_in_what_if_then_disables_exactly_the_stale_guests_where_GDAP_allows()
    {
        var cutoff = DateTimeOffset.UtcNow.AddDays(-90);
        var premium = ActiveCustomers().Where(c => Runner.Sandbox.Data.DirectorySeeder.HasPremium(c.Content)).ToList();
        var stale = premium.ToDictionary(c => c.Id, c => c.Content.Users
            .Where(u => u.UserType == "Guest" && u.AccountEnabled && (u.LastSignInDateTime is { } last ? last < cutoff : u.CreatedDateTime < cutoff))
            .Select(u => u.UserPrincipalName).Order().ToList());
        Assert.Contains(stale.Values, v => v.Count > 0);
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        workspace.CopyJob("disable-stale-guests.csx");
        workspace.CopyJob("_lib/paging.csx");

        var whatIf = await workspace.RunAsync("run", "jobs/disable-stale-guests.csx", "--what-if", "--output", "json");

        Assert.True(whatIf.ExitCode == 0, whatIf.ToString());
        var planned = JsonNode.Parse(whatIf.Output)!["tenants"]!.AsArray();
        foreach (var customer in premium)
        {
            var rows = Rows(planned, customer.Id);
            Assert.Equal(stale[customer.Id], rows.Select(r => (string)r["guest"]!).Order());
            Assert.All(rows, r => Assert.Equal("would disable", (string)r["action"]!));
            Assert.Equal(stale[customer.Id].Count, planned.Single(t => (string)t!["tenantId"]! == customer.Id.ToString())!["writes"]!.AsArray().Count);
        }

        Assert.All(premium.SelectMany(c => c.Content.Users).Where(u => stale.Values.Any(v => v.Contains(u.UserPrincipalName))), u => Assert.True(u.AccountEnabled));

        var real = await workspace.RunAsync("run", "jobs/disable-stale-guests.csx", "--output", "json");

        var tenants = JsonNode.Parse(real.Output)!["tenants"]!.AsArray();
        foreach (var customer in premium.Where(c => stale[c.Id].Count > 0))
        {
            var tenant = tenants.Single(t => (string)t!["tenantId"]! == customer.Id.ToString())!;
            var guests = customer.Content.Users.Where(u => stale[customer.Id].Contains(u.UserPrincipalName)).ToList();
            if (sandbox.Host.IsWritable(customer))
            {
                Assert.Equal("Succeeded", (string)tenant["status"]!);
                Assert.All(guests, g => Assert.False(g.AccountEnabled, g.UserPrincipalName));
            }
            else
            {
                // GDAP's roles there do not allow updating users: Graph refuses, and nothing changes.
                Assert.Equal("Failed", (string)tenant["status"]!);
                Assert.Contains("Insufficient privileges", (string)tenant["error"]!);
                Assert.All(guests, g => Assert.True(g.AccountEnabled, g.UserPrincipalName));
            }
        }

        var again = await workspace.RunAsync("run", "jobs/disable-stale-guests.csx", "--what-if", "--output", "json");
        var second = JsonNode.Parse(again.Output)!["tenants"]!.AsArray();
        Assert.All(premium.Where(c => sandbox.Host.IsWritable(c)), c => Assert.Empty(Rows(second, c.Id)));
    }

    [Fact]
    public async Task The_repository_jobs_check_clean_and_every_job_in_runner_yaml_names_an_existing_script()
    {
        var repository = RepositoryFolder.Root;
        var config = ConfigLoader.Load(Path.Combine(repository, "runner.yaml"), new Dictionary<string, string>());
        using var workspace = new Workspace().WithBuiltInSandbox();

        var check = await workspace.RunAsync("check", Path.Combine(repository, "jobs", "*.csx"));

        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Contains("0 error(s), 0 warning(s)", check.Output);
        Assert.Contains("gdap-expiring", config.Jobs.Keys);
        Assert.True(config.Jobs["gdap-expiring"].PartnerLevel);
        Assert.All(config.Jobs.Values, job => Assert.True(File.Exists(job.Script), job.Script));
    }

    private Task<JsonArray> RunAsync(string job, params string[] args) => RunAsync(job, failing: [], args);

    /// <summary>Runs the job in a fresh project; every tenant succeeds or is skipped except the <paramref name="failing"/> ones.</summary>
    private async Task<JsonArray> RunAsync(string job, IReadOnlyCollection<Guid> failing, params string[] args)
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        workspace.CopyJob(job);
        workspace.CopyJob("_lib/paging.csx");

        var result = await workspace.RunAsync(["run", $"jobs/{job}", "--output", "json", .. args]);

        Assert.True(result.ExitCode == (failing.Count == 0 ? 0 : 1), result.ToString());
        var tenants = JsonNode.Parse(result.Output)!["tenants"]!.AsArray();
        Assert.All(tenants, t => Assert.Contains((string)t!["status"]!, failing.Contains(Guid.Parse((string)t!["tenantId"]!)) ? ["Failed"] : new[] { "Succeeded", "Skipped" }));
        return tenants;
    }

    private IEnumerable<SandboxTenant> ActiveCustomers() =>
        sandbox.Host.Context.Directory.Customers.Where(c => sandbox.Host.Customers.Single(s => s.TenantId == c.Id).GdapStatus == "active");

    private static List<JsonNode> Rows(JsonArray tenants, Guid tenant) =>
        (Succeeded(tenants, tenant)["result"] as JsonArray ?? []).Select(r => r!).ToList();

    private static JsonNode Succeeded(JsonArray tenants, Guid tenant)
    {
        var row = tenants.Single(t => (string)t!["tenantId"]! == tenant.ToString())!;
        Assert.Equal("Succeeded", (string)row["status"]!);
        return row;
    }
}
