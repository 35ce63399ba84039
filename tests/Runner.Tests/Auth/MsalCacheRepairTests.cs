using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Runner.Auth;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Auth;

/// <summary>
/// A token cache holding two access tokens whose scopes overlap (merged from two processes, or left by an older
/// Runner) makes MSAL refuse every silent lookup they both match. The repair keeps the newest, as MSAL does on save.
/// </summary>
public sealed class MsalCacheRepairTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private const string PartnerCenter = "https://api.partnercenter.microsoft.com/user_impersonation";

    [Fact]
    public void Of_two_overlapping_tokens_the_one_cached_last_stays()
    {
        var tokens = new JsonObject
        {
            ["old"] = Token("partner", PartnerCenter + " offline_access openid profile", cachedAt: 100, expiresOn: 5000),
            ["new"] = Token("partner", PartnerCenter, cachedAt: 200, expiresOn: 4000),
        };

        Assert.Equal(1, MsalCacheRepair.RemoveOverlapping(tokens));
        Assert.Equal(["new"], tokens.Select(p => p.Key));
    }

    [Fact]
    public void Tokens_for_other_scopes_or_other_tenants_are_kept()
    {
        var tokens = new JsonObject
        {
            ["pc"] = Token("partner", PartnerCenter, cachedAt: 100, expiresOn: 5000),
            ["graph"] = Token("partner", "https://graph.microsoft.com/.default", cachedAt: 200, expiresOn: 5000),
            ["pc-contoso"] = Token("contoso", PartnerCenter, cachedAt: 300, expiresOn: 5000),
        };

        Assert.Equal(0, MsalCacheRepair.RemoveOverlapping(tokens));
        Assert.Equal(3, tokens.Count);
    }

    [Fact]
    public void Scopes_are_compared_without_regard_to_case()
    {
        var tokens = new JsonObject
        {
            ["upper"] = Token("partner", PartnerCenter.ToUpperInvariant(), cachedAt: 100, expiresOn: 5000),
            ["lower"] = Token("partner", PartnerCenter, cachedAt: 200, expiresOn: 5000),
        };

        Assert.Equal(1, MsalCacheRepair.RemoveOverlapping(tokens));
        Assert.NotNull(tokens["lower"]);
    }

    [Fact]
    public void A_cache_that_is_not_json_is_returned_unchanged()
    {
        var blob = "not a cache"u8.ToArray();

        Assert.Same(blob, MsalCacheRepair.RemoveOverlappingAccessTokens(blob));
    }

    [Fact]
    public void Merging_two_caches_keeps_only_the_newer_of_overlapping_tokens()
    {
        var mine = Cache(new JsonObject { ["key-a"] = Token("partner", PartnerCenter + " openid profile", cachedAt: 100, expiresOn: 5000) });
        var theirs = Cache(new JsonObject { ["key-b"] = Token("partner", PartnerCenter, cachedAt: 200, expiresOn: 4000) });

        var merged = JsonNode.Parse(MsalCacheMerger.Merge(mine, DateTimeOffset.UnixEpoch, theirs, DateTimeOffset.UnixEpoch.AddMinutes(1)))!;

        Assert.Equal(["key-b"], merged["AccessToken"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task A_run_over_a_cache_with_overlapping_expired_tokens_succeeds_and_leaves_one()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host, "");
        workspace.Write("jobs/probe.csx", "return Tenant.Domain;\n");
        var first = await workspace.RunAsync("run", "jobs/probe.csx");
        Assert.True(first.ExitCode == 0, first.ToString());

        // Every token expired, and the partner's Partner Center token twice, under two keys with overlapping scopes:
        // what a cache written by an older Runner looked like. MSAL refused such a cache with "multiple tokens".
        var file = new TokenCacheFile(new Runner.State.StateDirectory(workspace.StatePath), workspace.Path(".runner/store.key"), workspace.Environment);
        var contents = file.Read()!;
        var cache = JsonNode.Parse(contents.Msal.Span)!.AsObject();
        var tokens = cache["AccessToken"]!.AsObject();
        var past = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        foreach (var (_, token) in tokens)
        {
            token!["expires_on"] = past;
            token["ext_expires_on"] = past;
        }

        var (key, partner) = tokens.First(p => ((string)p.Value!["target"]!).Contains(PartnerCenter, StringComparison.OrdinalIgnoreCase));
        var older = partner!.DeepClone();
        older["target"] = (string)partner["target"]! + " openid profile";
        older["cached_at"] = "1";
        tokens[key + "-older"] = older;
        file.Write(contents with { Msal = Encoding.UTF8.GetBytes(cache.ToJsonString()) });

        var again = await workspace.RunAsync("run", "jobs/probe.csx");

        Assert.True(again.ExitCode == 0, again.ToString());
        var repaired = JsonNode.Parse(file.Read()!.Msal.Span)!["AccessToken"]!.AsObject();
        Assert.Single(repaired, p => ((string)p.Value!["target"]!).Contains(PartnerCenter, StringComparison.OrdinalIgnoreCase) &&
                                     ((string)p.Value!["realm"]!).Equals((string)partner["realm"]!, StringComparison.OrdinalIgnoreCase));
    }

    private static JsonObject Token(string realm, string target, long cachedAt, long expiresOn) => new()
    {
        ["home_account_id"] = "uid.utid",
        ["environment"] = "login.microsoftonline.com",
        ["client_id"] = "app",
        ["realm"] = realm,
        ["credential_type"] = "AccessToken",
        ["secret"] = "token",
        ["target"] = target,
        ["cached_at"] = cachedAt.ToString(CultureInfo.InvariantCulture),
        ["expires_on"] = expiresOn.ToString(CultureInfo.InvariantCulture),
    };

    private static byte[] Cache(JsonObject accessTokens) =>
        Encoding.UTF8.GetBytes(new JsonObject { ["AccessToken"] = accessTokens, ["RefreshToken"] = new JsonObject() }.ToJsonString());
}
