using Runner.Clients;

namespace Runner.Scripting;

/// <summary>
/// The <c>Tokens</c> global: access tokens for this tenant and any resource, and authenticated HttpClients for
/// APIs without an SDK. Tokens come from the same broker as the built-in clients (cached, exchanged once per run).
/// Never log or return them: Runner masks them, but they are live credentials.
/// </summary>
public sealed class TenantTokens
{
    private readonly TenantClientFactory _clients;
    private readonly string _tenant;
    private readonly CancellationToken _defaultCancellation;

    internal TenantTokens(TenantClientFactory clients, string tenant, CancellationToken defaultCancellation)
    {
        _clients = clients;
        _tenant = tenant;
        _defaultCancellation = defaultCancellation;
        Scopes = new KnownScopes(clients.Cloud);
        Endpoints = new KnownEndpoints(clients.Cloud);
    }

    /// <summary>Scopes of common APIs in this cloud, e.g. <c>Tokens.Scopes.ExchangeOnline</c>.</summary>
    public KnownScopes Scopes { get; }

    /// <summary>Base addresses of Graph, ARM and Partner Center in this cloud, for <see cref="CreateHttpClient"/>.</summary>
    public KnownEndpoints Endpoints { get; }

    /// <summary>The tenant these tokens are for (the customer's tenant id; the partner's for a partner-level job).</summary>
    public string TenantId => _tenant;

    /// <summary>An access token for <paramref name="scope"/> (e.g. "https://outlook.office365.com/.default") in this tenant.</summary>
    /// <example><code>var token = await Tokens.GetAccessTokenAsync(Tokens.Scopes.ExchangeOnline);</code></example>
    public async Task<string> GetAccessTokenAsync(string scope, CancellationToken cancellationToken = default) =>
        (await _clients.Broker.GetTokenAsync(_tenant, scope, cancellationToken.CanBeCanceled ? cancellationToken : _defaultCancellation)).Value;

    /// <summary>An access token for <paramref name="scope"/> in the partner's own tenant.</summary>
    public async Task<string> GetPartnerAccessTokenAsync(string scope, CancellationToken cancellationToken = default) =>
        (await _clients.Broker.GetTokenAsync(_clients.Broker.PartnerTenant, scope, cancellationToken.CanBeCanceled ? cancellationToken : _defaultCancellation)).Value;

    /// <summary>
    /// An HttpClient that authenticates every request with this tenant's token for <paramref name="scope"/> (fetched,
    /// cached and renewed for you), over Runner's shared connection pool, so there is nothing to dispose.
    /// </summary>
    /// <example><code>
    /// var http = Tokens.CreateHttpClient(Tokens.Scopes.Graph, new Uri(Tokens.Endpoints.Graph, "beta/"));
    /// var json = await http.GetStringAsync("reports/authenticationMethods/userRegistrationDetails", CancellationToken);
    /// </code></example>
    public HttpClient CreateHttpClient(string scope, Uri? baseAddress = null) => _clients.Authenticated(_tenant, scope, baseAddress);
}
