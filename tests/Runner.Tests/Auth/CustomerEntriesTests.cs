using System.Text;
using System.Text.Json.Nodes;
using Runner.Auth;

namespace Runner.Tests.Auth;

/// <summary>The customer tenants' entries taken out of MSAL's clients: MSAL keeps what it needs to redeem for any
/// tenant, the rest is held as bytes, served, replaced by newer entries, and given back for saving.</summary>
public sealed class CustomerEntriesTests
{
    private const string Home = "home-tenant";
    private const string Account = "uid.home-tenant";
    private const string Graph = "https://graph.microsoft.com/.default";
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TakeFrom_leaves_the_refresh_token_and_the_home_tenants_entries_and_takes_every_customers()
    {
        var taken = new List<(string Realm, IReadOnlySet<string> Scopes)>();
        var entries = new CustomerEntries((realm, scopes) => taken.Add((realm, scopes)));

        var rest = JsonNode.Parse(entries.TakeFrom(Cache(("c1", "t1"), ("c2", "t2")), Home))!.AsObject();

        Assert.Equal(["at-home"], rest["AccessToken"]!.AsObject().Select(e => e.Key));
        Assert.Equal(["rt"], rest["RefreshToken"]!.AsObject().Select(e => e.Key));
        Assert.Equal(["id-home"], rest["IdToken"]!.AsObject().Select(e => e.Key));
        Assert.NotNull(rest["AppMetadata"]);
        // The customers' access tokens are kept; their id tokens (which Runner never reads) are dropped.
        Assert.Equal(2, entries.Count);
        Assert.Equal(["c1", "c2"], taken.Select(t => t.Realm));
        Assert.Contains(Graph, taken[0].Scopes);
    }

    [Fact]
    public void Find_serves_a_taken_token_of_the_account_while_it_is_valid()
    {
        var entries = new CustomerEntries();
        entries.TakeFrom(Cache(("c1", "t1")), Home);

        Assert.Equal("t1", entries.Find("C1", Graph, Account, Now)?.Value);
        Assert.Equal("c1", entries.Find("c1", Graph, Account, Now)?.TenantId);
        Assert.Null(entries.Find("c1", "https://management.azure.com/.default", Account, Now));
        Assert.Null(entries.Find("c1", Graph, "someone.else", Now));
        Assert.Null(entries.Find("c1", Graph, Account, Now.AddHours(2)));
        Assert.Null(entries.Find("c2", Graph, Account, Now));
    }

    [Fact]
    public void A_newer_entry_under_the_same_key_replaces_the_one_held()
    {
        var entries = new CustomerEntries();
        entries.TakeFrom(Cache(("c1", "old")), Home);
        entries.TakeFrom(Cache(("c1", "new")), Home);

        Assert.Equal("new", entries.Find("c1", Graph, Account, Now)?.Value);
        Assert.Equal(1, entries.Count);
        var saved = entries.Entries().Single(e => e.Section == "AccessToken");
        Assert.Contains("\"new\"", Encoding.UTF8.GetString(saved.Value.Span), StringComparison.Ordinal);
    }

    [Fact]
    public void A_cache_without_customer_entries_is_given_back_as_it_was()
    {
        var entries = new CustomerEntries();
        var cache = Cache();

        Assert.Same(cache, entries.TakeFrom(cache, Home));
        Assert.Equal(0, entries.Count);
    }

    [Fact]
    public void Combine_writes_the_taken_entries_back_with_what_MSAL_holds()
    {
        var entries = new CustomerEntries();
        var rest = entries.TakeFrom(Cache(("c1", "t1"), ("c2", "t2")), Home);

        var combined = MsalCachePartitions.Combine([(rest, Now)], Home, entries.Entries()).ToArray();

        var tokens = PersistedAccessTokens.Read(combined, Account, "client", Now);
        Assert.Equal("t1", tokens.Find("c1", Graph, Now)?.Value);
        Assert.Equal("t2", tokens.Find("c2", Graph, Now)?.Value);
        Assert.Equal("home", tokens.Find(Home, Graph, Now)?.Value);
        Assert.Equal(["id-home"], JsonNode.Parse(combined.ToArray())!["IdToken"]!.AsObject().Select(e => e.Key));
    }

    [Fact]
    public void Combine_references_large_entries_where_they_are_held_and_gives_the_refresh_token_apart()
    {
        var entries = new CustomerEntries();
        var rest = entries.TakeFrom(Cache(("c1", new string('t', 2_000)), ("c2", "small")), Home);
        var held = entries.Entries().Single(e => e.Key == "at-c1").Value;

        var combined = MsalCachePartitions.Combine([(rest, Now)], Home, entries.Entries());

        // The 2 kB token's entry is a piece of the output as it lies in the store, not a copy.
        Assert.Contains(combined.Pieces, p => System.Runtime.InteropServices.MemoryMarshal.TryGetArray(p, out var a) &&
            System.Runtime.InteropServices.MemoryMarshal.TryGetArray(held, out var h) && a.Array == h.Array && a.Offset == h.Offset);
        Assert.Equal("refresh", RefreshTokenReader.Read(combined.RefreshTokens.Span, Account));
        Assert.Equal(combined.Length, combined.ToArray().Length);
        Assert.Equal(new string('t', 2_000), PersistedAccessTokens.Read(combined.ToArray(), Account, "client", Now).Find("c1", Graph, Now)?.Value);
    }

    [Fact]
    public void Combine_escapes_a_key_that_JSON_requires_escaped()
    {
        var odd = "key with \"quote\", back\\slash and \u0001";
        var entries = new List<(string Section, string Key, ReadOnlyMemory<byte> Value)> { ("Account", odd, "{\"realm\":\"c1\"}"u8.ToArray()) };

        var combined = MsalCachePartitions.Combine([(Cache(), Now)], Home, entries);

        Assert.Equal([odd], JsonNode.Parse(combined.ToArray())!["Account"]!.AsObject().Select(e => e.Key));
    }

    /// <summary>An MsalV3 cache: the partner's refresh token, id token and access token, and per customer an access
    /// token (valid for an hour from <see cref="Now"/>) and an id token.</summary>
    private static byte[] Cache(params (string Realm, string Secret)[] customers)
    {
        var expires = Now.AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        JsonObject AccessToken(string realm, string secret) => new()
        {
            ["home_account_id"] = Account, ["environment"] = "login.microsoftonline.com", ["client_id"] = "client",
            ["credential_type"] = "AccessToken", ["secret"] = secret, ["realm"] = realm, ["target"] = Graph,
            ["token_type"] = "Bearer", ["cached_at"] = "1", ["expires_on"] = expires,
        };
        JsonObject IdToken(string realm) => new()
        {
            ["home_account_id"] = Account, ["environment"] = "login.microsoftonline.com", ["client_id"] = "client",
            ["credential_type"] = "IdToken", ["secret"] = "id", ["realm"] = realm,
        };
        var accessTokens = new JsonObject { ["at-home"] = AccessToken(Home, "home") };
        var idTokens = new JsonObject { ["id-home"] = IdToken(Home) };
        foreach (var (realm, secret) in customers)
        {
            accessTokens[$"at-{realm}"] = AccessToken(realm, secret);
            idTokens[$"id-{realm}"] = IdToken(realm);
        }

        return Encoding.UTF8.GetBytes(new JsonObject
        {
            ["AccessToken"] = accessTokens,
            ["RefreshToken"] = new JsonObject
            {
                ["rt"] = new JsonObject { ["home_account_id"] = Account, ["credential_type"] = "RefreshToken", ["secret"] = "refresh", ["client_id"] = "client" },
            },
            ["IdToken"] = idTokens,
            ["AppMetadata"] = new JsonObject { ["appmetadata-client"] = new JsonObject { ["client_id"] = "client" } },
        }.ToJsonString());
    }
}
