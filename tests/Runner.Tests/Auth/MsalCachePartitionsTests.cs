using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Runner.Auth;

namespace Runner.Tests.Auth;

/// <summary>Splitting MSAL's cache by tenant and putting it back together loses nothing and keeps the newest refresh token.</summary>
public sealed class MsalCachePartitionsTests
{
    private const string Home = "home-tenant";
    private static readonly DateTimeOffset Earlier = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Split_gives_each_tenant_to_one_partition_and_the_home_tenant_and_refresh_token_to_all()
    {
        var tenants = Enumerable.Range(0, 50).Select(i => $"tenant-{i}").ToArray();
        var cache = Cache("rt", [.. tenants.Select(t => (t, "graph", 1000L)), (Home, "pc", 1000L)]);

        var parts = MsalCachePartitions.Split(cache, Home, 8).Select(p => JsonNode.Parse(p)!.AsObject()).ToArray();

        Assert.Equal(8, parts.Length);
        foreach (var tenant in tenants)
        {
            var holders = parts.Where(p => p["AccessToken"]!.AsObject().Any(e => (string?)e.Value!["realm"] == tenant)).ToList();
            Assert.Single(holders);
            Assert.Same(parts[MsalCachePartitions.Of(tenant, 8)], holders[0]);
        }

        Assert.All(parts, p => Assert.Equal("rt", (string?)p["RefreshToken"]!["rt-key"]!["secret"]));
        Assert.All(parts, p => Assert.Contains(p["AccessToken"]!.AsObject(), e => (string?)e.Value!["realm"] == Home));
        Assert.True(parts.Count(p => p["AccessToken"]!.AsObject().Count > 1) > 4, "50 tenants spread over most of 8 partitions");
    }

    [Fact]
    public void Combine_after_Split_gives_back_every_entry_once()
    {
        var cache = Cache("rt", [.. Enumerable.Range(0, 30).Select(i => ($"tenant-{i}", "graph", 1000L + i)), (Home, "pc", 1000L)]);
        var parts = MsalCachePartitions.Split(cache, Home, 4);

        var combined = JsonNode.Parse(MsalCachePartitions.Combine([.. parts.Select(p => (p, Earlier))], Home).ToArray())!;

        var original = JsonNode.Parse(cache)!;
        Assert.Equal(original["AccessToken"]!.AsObject().Select(e => e.Key).Order(), combined["AccessToken"]!.AsObject().Select(e => e.Key).Order());
        Assert.All(original["AccessToken"]!.AsObject(), e => Assert.True(JsonNode.DeepEquals(e.Value, combined["AccessToken"]![e.Key]), e.Key));
        Assert.Single(combined["RefreshToken"]!.AsObject());
    }

    [Fact]
    public void Combine_keeps_the_refresh_token_of_the_partition_that_redeemed_last()
    {
        var a = Cache("rt-a", [("tenant-a", "graph", 1000L)]);
        var b = Cache("rt-b", [("tenant-b", "graph", 1000L)]);
        var c = Cache("rt-c", [("tenant-c", "graph", 1000L)]);

        var combined = JsonNode.Parse(MsalCachePartitions.Combine([(a, Earlier), (b, Earlier.AddMinutes(2)), (c, Earlier.AddMinutes(1))], Home).ToArray())!;

        Assert.Equal("rt-b", (string?)combined["RefreshToken"]!["rt-key"]!["secret"]);
        Assert.Equal(3, combined["AccessToken"]!.AsObject().Count);
    }

    [Fact]
    public void Combine_keeps_the_home_tenants_newest_token_and_drops_stale_copies_that_overlap_it()
    {
        // Partition 2 renewed the home tenant's token (later expiry, other key); partition 1 still holds the old one.
        var stale = Cache("rt", [(Home, "pc", 1000L)]);
        var renewed = Cache("rt", []);
        var renewedNode = JsonNode.Parse(renewed)!;
        renewedNode["AccessToken"]!["renewed-key"] = Token(Home, "pc openid", 9000);
        renewedNode["AccessToken"]!["renewed-key"]!["cached_at"] = "5000";

        var combined = JsonNode.Parse(MsalCachePartitions.Combine([(stale, Earlier), (Encoding.UTF8.GetBytes(renewedNode.ToJsonString()), Earlier.AddMinutes(1))], Home).ToArray())!;

        var home = combined["AccessToken"]!.AsObject().Where(e => (string?)e.Value!["realm"] == Home).ToList();
        Assert.Single(home);
        Assert.Equal("9000", (string?)home[0].Value!["expires_on"]);
    }

    [Fact]
    public void Of_is_stable_and_ignores_case()
    {
        Assert.Equal(MsalCachePartitions.Of("Contoso-Tenant", 16), MsalCachePartitions.Of("contoso-tenant", 16));
        Assert.InRange(MsalCachePartitions.Of("9f0c2b1e-0000-4000-8000-000000000001", 16), 0, 15);
    }

    private static byte[] Cache(string refreshToken, (string Realm, string Target, long ExpiresOn)[] tokens)
    {
        var accessTokens = new JsonObject();
        foreach (var (realm, target, expiresOn) in tokens)
        {
            accessTokens[$"uid.utid-login-accesstoken-app-{realm}-{target}"] = Token(realm, target, expiresOn);
        }

        return Encoding.UTF8.GetBytes(new JsonObject
        {
            ["AccessToken"] = accessTokens,
            ["RefreshToken"] = new JsonObject { ["rt-key"] = new JsonObject { ["home_account_id"] = "uid.utid", ["secret"] = refreshToken } },
            ["AppMetadata"] = new JsonObject { ["appmetadata-app"] = new JsonObject { ["client_id"] = "app" } },
        }.ToJsonString());
    }

    private static JsonObject Token(string realm, string target, long expiresOn) => new()
    {
        ["home_account_id"] = "uid.utid",
        ["environment"] = "login.microsoftonline.com",
        ["client_id"] = "app",
        ["realm"] = realm,
        ["credential_type"] = "AccessToken",
        ["secret"] = $"token-{realm}-{expiresOn}",
        ["target"] = target,
        ["cached_at"] = "1",
        ["expires_on"] = expiresOn.ToString(CultureInfo.InvariantCulture),
    };
}
