using Runner.Execution;

namespace Runner.Tests.Execution;

/// <summary>What is fetched ahead: only scopes every succeeded tenant asked for, once enough of them did.</summary>
public sealed class TokenPrefetchTests
{
    private readonly List<(string Tenant, string Scope)> _fetched = [];

    [Fact]
    public void Nothing_is_fetched_ahead_before_enough_tenants_succeeded()
    {
        using var prefetch = new TokenPrefetch((t, s) => _fetched.Add((t, s)));
        for (var i = 0; i < TokenPrefetch.Learning - 1; i++)
        {
            Tenant(prefetch, $"t{i}", succeeded: true, "graph", "arm");
        }

        prefetch.Ahead("next");

        Assert.Empty(prefetch.Scopes);
        Assert.Empty(_fetched);
    }

    [Fact]
    public void Scopes_every_succeeded_tenant_asked_for_are_fetched_for_the_tenant_ahead()
    {
        using var prefetch = new TokenPrefetch((t, s) => _fetched.Add((t, s)));
        Learn(prefetch, "graph", "arm", "graph");

        prefetch.Ahead("next");

        Assert.Equal(["arm", "graph"], _fetched.Where(f => f.Tenant == "next").Select(f => f.Scope).Order());
    }

    [Fact]
    public void A_scope_one_succeeded_tenant_did_not_ask_for_is_never_fetched_ahead_again()
    {
        using var prefetch = new TokenPrefetch((t, s) => _fetched.Add((t, s)));
        Learn(prefetch, "graph", "arm");

        Tenant(prefetch, "graph-only", succeeded: true, "graph");
        for (var i = 0; i < 10; i++)
        {
            Tenant(prefetch, $"u{i}", succeeded: true, "graph", "arm");
        }

        Assert.Equal(["graph"], prefetch.Scopes);
    }

    [Fact]
    public void Failed_tenants_and_tokens_asked_outside_a_running_tenant_teach_nothing()
    {
        using var prefetch = new TokenPrefetch((t, s) => _fetched.Add((t, s)));
        Learn(prefetch, "graph", "arm");

        // Failed before it reached ARM: it says nothing about what the script needs.
        Tenant(prefetch, "failed", succeeded: false, "graph");
        prefetch.Requested("not-running", "other");

        Assert.Equal(["arm", "graph"], prefetch.Scopes.Order());
    }

    [Fact]
    public void Tenant_ids_are_matched_without_regard_to_case()
    {
        using var prefetch = new TokenPrefetch((t, s) => _fetched.Add((t, s)));
        for (var i = 0; i < TokenPrefetch.Learning; i++)
        {
            prefetch.Started($"TENANT-{i}");
            prefetch.Requested($"tenant-{i}", "graph");
            prefetch.Finished($"TENANT-{i}", succeeded: true);
        }

        Assert.Equal(["graph"], prefetch.Scopes);
    }

    /// <summary>The first <see cref="TokenPrefetch.Learning"/> tenants succeed, each asking for <paramref name="scopes"/>.</summary>
    private static void Learn(TokenPrefetch prefetch, params string[] scopes)
    {
        for (var i = 0; i < TokenPrefetch.Learning; i++)
        {
            Tenant(prefetch, $"t{i}", succeeded: true, scopes);
        }
    }

    private static void Tenant(TokenPrefetch prefetch, string tenant, bool succeeded, params string[] scopes)
    {
        prefetch.Started(tenant);
        foreach (var scope in scopes)
        {
            prefetch.Requested(tenant, scope);
        }

        prefetch.Finished(tenant, succeeded);
    }
}
