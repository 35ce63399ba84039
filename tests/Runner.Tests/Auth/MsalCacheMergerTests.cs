using System.Text;
using System.Text.Json.Nodes;
using Runner.Auth;

namespace Runner.Tests.Auth;

/// <summary>Merging two processes' MSAL caches keeps every access token (the later-expiring one per key) and the refresh token redeemed last.</summary>
public sealed class MsalCacheMergerTests
{
    private static readonly DateTimeOffset Earlier = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_refresh_token_redeemed_last_wins_and_access_tokens_are_united()
    {
        var mine = Cache("rt-mine", ("at-a", 1000), ("at-shared", 5000));
        var theirs = Cache("rt-theirs", ("at-b", 2000), ("at-shared", 3000));

        var merged = Parse(MsalCacheMerger.Merge(mine, Earlier.AddMinutes(5), theirs, Earlier));

        Assert.Equal("rt-mine", (string?)merged["RefreshToken"]!["rt-key"]!["secret"]);
        Assert.NotNull(merged["AccessToken"]!["at-a"]);
        Assert.NotNull(merged["AccessToken"]!["at-b"]);
        Assert.Equal("5000", (string?)merged["AccessToken"]!["at-shared"]!["expires_on"]);
    }

    [Fact]
    public void On_a_tie_the_copy_on_disk_wins()
    {
        var merged = Parse(MsalCacheMerger.Merge(Cache("rt-mine"), Earlier, Cache("rt-theirs"), Earlier));

        Assert.Equal("rt-theirs", (string?)merged["RefreshToken"]!["rt-key"]!["secret"]);
    }

    [Fact]
    public void An_empty_side_leaves_the_other_unchanged()
    {
        var theirs = Cache("rt-theirs");

        Assert.Equal(theirs, MsalCacheMerger.Merge([], Earlier, theirs, Earlier));
    }

    private static byte[] Cache(string refreshToken, params (string Key, long ExpiresOn)[] accessTokens)
    {
        var access = new JsonObject();
        foreach (var (key, expires) in accessTokens)
        {
            access[key] = new JsonObject { ["secret"] = "token-" + key, ["expires_on"] = expires.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        }

        var cache = new JsonObject
        {
            ["AccessToken"] = access,
            ["RefreshToken"] = new JsonObject { ["rt-key"] = new JsonObject { ["secret"] = refreshToken, ["home_account_id"] = "uid.utid" } },
            ["Account"] = new JsonObject { ["uid.utid-login"] = new JsonObject { ["username"] = "admin@contoso" } },
        };
        return Encoding.UTF8.GetBytes(cache.ToJsonString());
    }

    private static JsonObject Parse(byte[] blob) => JsonNode.Parse(blob)!.AsObject();
}
