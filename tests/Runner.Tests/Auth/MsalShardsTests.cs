using Runner.Sandbox;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Auth;

/// <summary>
/// The broker's MSAL clients, each with a share of the tenants: a process that touches a few of them keeps every
/// other tenant's token in the saved cache, and the refresh token it saves is the newest.
/// </summary>
public sealed class MsalShardsTests
{
    private const string Graph = "https://graph.microsoft.com/.default";
    private const string Arm = "https://management.azure.com/.default";

    [Fact]
    public async Task A_later_process_that_redeems_once_keeps_every_tenants_token_and_saves_the_new_refresh_token()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { Customers = 40 });
        using var workspace = await new Workspace { Time = sandbox.Clock }.WithSandboxAsync(sandbox);
        var customers = sandbox.Customers.Where(c => c.GdapStatus == "active").Select(c => c.TenantId.ToString()).ToList();
        Assert.True(customers.Count >= 20, $"{customers.Count} active customers");
        await using (var first = await Sessions.OpenAsync(workspace))
        {
            foreach (var customer in customers)
            {
                await first.Broker.GetTokenAsync(customer, Graph, CancellationToken.None);
            }
        }

        string rotated;
        await using (var second = await Sessions.OpenAsync(workspace))
        {
            // Every customer token is served from the file's index; the redemption goes through MSAL, which splits
            // the cache among its clients and loads only the ones it uses.
            Assert.All(customers, c => Assert.True(second.Broker.HasPersistedToken(c, Graph), c));
            sandbox.Clock.Advance(TimeSpan.FromMinutes(1));
            await second.Broker.RedeemAsync(CancellationToken.None);
            await second.Broker.FlushAsync(CancellationToken.None);
            rotated = (await second.Credentials.ReadRefreshTokenAsync(CancellationToken.None))!.Value;
        }

        await using var third = await Sessions.OpenAsync(workspace);
        Assert.All(customers, c => Assert.True(third.Broker.HasPersistedToken(c, Graph), $"{c}'s token was lost when the cache was saved"));
        Assert.Equal(rotated, Runner.Auth.RefreshTokenReader.Read(third.Credentials.LoadCache()!.Msal.Span, third.Credentials.LoadCache()!.Metadata!.HomeAccountId));
        Assert.Equal(0, third.Broker.Exchanges);
        var token = await third.Broker.GetTokenAsync(customers[^1], Graph, CancellationToken.None);
        Assert.Equal(0, third.Broker.Exchanges);
        Assert.False(string.IsNullOrEmpty(token.Value));
    }

    [Fact]
    public async Task Clients_hand_the_customers_entries_over_as_they_load_and_a_save_keeps_every_token_and_no_snapshot()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { Customers = 30 });
        using var workspace = await new Workspace { Time = sandbox.Clock }.WithSandboxAsync(sandbox);
        var customers = sandbox.Customers.Where(c => c.GdapStatus == "active").Select(c => c.TenantId.ToString()).ToList();
        await using (var session = await Sessions.OpenAsync(workspace))
        {
            foreach (var customer in customers)
            {
                await session.Broker.GetTokenAsync(customer, Graph, CancellationToken.None);
            }
        }

        await using var reader = await Sessions.OpenAsync(workspace);
        var saved = reader.Credentials.LoadCache()!;
        var (account, clientId, home) = (saved.Metadata!.HomeAccountId, reader.Broker.Application.ClientId, reader.Broker.PartnerTenant);
        // MSAL clients of the partner application, loaded from the saved cache: no request is made.
        var shards = new Runner.Auth.MsalShards(
            () => Microsoft.Identity.Client.ConfidentialClientApplicationBuilder.Create(clientId).WithClientSecret("unused").Build(),
            () => saved.Msal.ToArray(), () => home, count: 4);
        foreach (var customer in customers)
        {
            await shards.For(customer).App.GetAccountAsync(account);
        }

        var snapshot = (await shards.SnapshotAsync(account)).ToArray();

        Assert.All(customers, c => Assert.Null(shards.For(c).Cache.TakeSnapshot()));
        foreach (var customer in customers)
        {
            var client = shards.For(customer);
            client.Cache.RequestSnapshot();
            await client.App.GetAccountAsync(account);
            Assert.DoesNotContain(customer, System.Text.Encoding.UTF8.GetString(client.Cache.TakeSnapshot()!), StringComparison.OrdinalIgnoreCase);
        }

        // The customers' entries were taken out of the clients when they loaded, and are saved from there.
        Assert.Equal(customers.Count, shards.Customers.Entries().Count(e => e.Section == "AccessToken"));
        var tokens = Runner.Auth.PersistedAccessTokens.Read(snapshot, account, clientId, DateTimeOffset.MinValue);
        Assert.All(customers, c => Assert.NotNull(tokens.Find(c, Graph, DateTimeOffset.MinValue)));
    }

    [Fact]
    public async Task A_first_run_forgets_the_tokens_MSAL_hands_over_and_serves_them_again_without_an_exchange()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { Customers = 400 });
        using var workspace = await new Workspace { Time = sandbox.Clock }.WithSandboxAsync(sandbox);
        var customers = sandbox.Customers.Where(c => c.GdapStatus == "active").Select(c => c.TenantId.ToString()).ToList();
        await using var session = await Sessions.OpenAsync(workspace);
        var first = new Dictionary<string, string>();
        foreach (var customer in customers)
        {
            first[customer] = (await session.Broker.GetTokenAsync(customer, Graph, CancellationToken.None)).Value;
            await session.Broker.GetTokenAsync(customer, Arm, CancellationToken.None);
        }

        var exchanges = session.Broker.Exchanges;

        // Each of the 16 clients hands its customers' entries over after 16 writes, so at most 16 per client (and the
        // partner's) are still remembered as strings, of the 2 × customers fetched.
        const int mostRemembered = 16 * 16 + 2;
        Assert.True(customers.Count * 2 >= 2 * mostRemembered, $"{customers.Count} active customers: too few to tell");
        Assert.InRange(session.Broker.RememberedTokens, 0, mostRemembered);
        foreach (var customer in customers)
        {
            Assert.Equal(first[customer], (await session.Broker.GetTokenAsync(customer, Graph, CancellationToken.None)).Value);
        }

        Assert.Equal(exchanges, session.Broker.Exchanges);
    }
}
