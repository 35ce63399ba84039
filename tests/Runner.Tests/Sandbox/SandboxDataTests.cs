using System.Diagnostics;
using System.Globalization;
using Microsoft.Graph.Models;
using Runner.Clients.PartnerCenter;
using Runner.Sandbox;
using Runner.Sandbox.Data;
using Runner.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Runner.Tests.Sandbox;

/// <summary>
/// The seeded data: the same from the same seed, and with something for each sample job to find when queried through
/// the SDKs (disabled and inactive users, licences bought but not assigned, untagged resource groups, GDAP about to end).
/// </summary>
public sealed class SandboxDataTests(SandboxSessionFixture fixture, ITestOutputHelper output) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public void The_same_seed_gives_the_same_data_and_another_seed_other_data()
    {
        var day = new DateTimeOffset(2026, 3, 1, 9, 30, 0, TimeSpan.Zero);

        var first = Describe(SandboxSeeder.Build(7, 25, day));
        var again = Describe(SandboxSeeder.Build(7, 25, day.AddHours(5)));
        var other = Describe(SandboxSeeder.Build(8, 25, day));

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task Every_sample_scenario_finds_something_in_the_default_sandbox()
    {
        var now = fixture.Host.Clock.GetUtcNow();
        var cutoff = now.AddDays(-90).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        int disabled = 0, inactive = 0, withUnusedLicences = 0, fullyUsed = 0, untaggedGroups = 0;
        foreach (var customer in fixture.Host.Customers.Where(c => c.GdapStatus == "active"))
        {
            var graph = fixture.Clients.Graph(customer.TenantId);
            disabled += (await graph.Users.GetAsync(r => r.QueryParameters.Filter = "accountEnabled eq false"))!.Value!.Count;
            // signInActivity needs Entra ID P1 in the customer's tenant, as in Graph.
            if (DirectorySeeder.HasPremium(fixture.Host.Context.Directory.FindTenant(customer.TenantId)!.Content))
            {
                inactive += (await graph.Users.GetAsync(r => r.QueryParameters.Filter = $"signInActivity/lastSignInDateTime le {cutoff}"))!.Value!.Count;
            }

            var skus = (await graph.SubscribedSkus.GetAsync())!.Value!;
            var bought = await fixture.Clients.PartnerCenter(customer.TenantId.ToString()).GetSubscriptionsAsync();
            var unused = bought.Where(s => s.Status == "active").Any(s => s.Quantity > Consumed(skus, s));
            withUnusedLicences += unused ? 1 : 0;
            fullyUsed += unused ? 0 : 1;

            await foreach (var subscription in fixture.Clients.Arm(customer.TenantId).GetSubscriptions().GetAllAsync())
            {
                await foreach (var group in subscription.GetResourceGroups().GetAllAsync())
                {
                    untaggedGroups += group.Data.Tags.ContainsKey("owner") && group.Data.Tags.ContainsKey("costCenter") ? 0 : 1;
                }
            }
        }

        var relationships = (await fixture.Clients.Graph(fixture.Host.PartnerTenantId).TenantRelationships.DelegatedAdminRelationships.GetAsync())!.Value!;
        var endingSoon = relationships.Count(r => r.Status == DelegatedAdminRelationshipStatus.Active && r.EndDateTime <= now.AddDays(30));
        var expired = relationships.Count(r => r.Status == DelegatedAdminRelationshipStatus.Expired);
        var withoutGdap = fixture.Host.Customers.Count(c => relationships.All(r => r.Customer!.TenantId != c.TenantId.ToString()));

        output.WriteLine($"disabled {disabled}, inactive {inactive}, unused licences in {withUnusedLicences} tenants, fully used in {fullyUsed}, " +
                         $"untagged groups {untaggedGroups}, GDAP ending within 30 days {endingSoon}, expired {expired}, without GDAP {withoutGdap}");
        Assert.All(new[] { disabled, inactive, withUnusedLicences, fullyUsed, untaggedGroups, endingSoon, expired, withoutGdap }, n => Assert.True(n > 0));
    }

    /// <summary>
    /// 5,000 customers: the sandbox starts and Partner Center lists them all. The start-up time is printed, not
    /// asserted (speed belongs to benchmarks); run with --logger "console;verbosity=detailed" to see it.
    /// </summary>
    [Fact]
    public async Task A_sandbox_of_5000_customers_starts_and_lists_them_all()
    {
        using var folder = new TempFolder("runner-sandbox-5000");
        await using (await SandboxHost.StartAsync(new SandboxOptions { Customers = 1, DataDirectory = folder.Path }))
        {
            // Warm-up: the first start in a process pays for JIT and for creating the CA and keys in the folder.
        }

        var clock = Stopwatch.StartNew();
        await using var host = await SandboxHost.StartAsync(new SandboxOptions { Customers = 5000, DataDirectory = folder.Path });
        var started = clock.Elapsed;
        await using var session = await SandboxSession.OpenAsync(host);

        var count = 0;
        await foreach (var customer in session.PartnerCenter().GetCustomersAsync(pageSize: 500))
        {
            count++;
        }

        output.WriteLine($"Sandbox with 5,000 customers started in {started.TotalMilliseconds:F0} ms (keys and CA reused from the data folder).");
        Assert.Equal(5000, count);
        Assert.Equal(5000, host.Customers.Select(c => c.Domain).Distinct().Count());
    }

    private static int Consumed(IEnumerable<SubscribedSku> skus, PartnerCenterSubscription bought)
    {
        var skuId = Products.Catalog.Single(p => bought.OfferId.StartsWith(p.OfferId, StringComparison.Ordinal)).SkuId;
        return skus.Single(s => s.SkuId == skuId).ConsumedUnits ?? 0;
    }

    private static List<string> Describe(SandboxDirectory directory) =>
        directory.Customers.SelectMany(c => new[] { $"{c.Id} {c.Domain}" }
            .Concat(c.Content.Users.Select(u => $"{u.Id} {u.UserPrincipalName} {u.AccountEnabled} {u.LastSignInDateTime:o}"))
            .Concat(c.Content.AzureSubscriptions.SelectMany(s => s.ResourceGroups.Select(g => $"{s.SubscriptionId} {g.Name} {string.Join(",", g.Tags)}")))
            .Concat(c.Content.PartnerSubscriptions.Select(s => $"{s.Id} {s.Product.SkuPartNumber} {s.Quantity} {s.Status}")))
            .Concat(directory.Relationships.Select(r => $"{r.Id} {r.Status} {r.EndDateTime:o}"))
            .ToList();
}
