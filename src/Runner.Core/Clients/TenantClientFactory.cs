using Azure.Core.Pipeline;
using Azure.ResourceManager;
using Microsoft.Graph;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Extensions.Http.Resilience;
using Runner.Auth;
using Runner.Clients.Http;
using Runner.Clients.PartnerCenter;
using Runner.Clouds;
using Runner.Configuration;
using Runner.Http;
using Runner.Writes;

namespace Runner.Clients;

/// <summary>
/// Builds the authenticated clients a script gets, per tenant, on one shared connection pool. Per-API concurrency
/// limits are shared by every tenant of the run; retries are configured in <see cref="RetryPolicies"/>. Every
/// pipeline has a <see cref="WriteGateHandler"/>, so what-if, read-only and the write audit cover every client.
/// </summary>
internal sealed class TenantClientFactory : IDisposable
{
    private readonly TokenBroker _broker;
    private readonly CloudEndpoints _cloud;
    private readonly CloudHttp _http;
    private readonly ApiLimits _limits;
    private readonly SemaphoreSlim _graphLimit;
    private readonly SemaphoreSlim _armLimit;
    private readonly HttpClient _partnerCenter;
    private readonly HttpClient _arm;
    private readonly HttpClient _graph;
    private readonly HttpClientTransport _armTransport;

    public TenantClientFactory(TokenBroker broker, CloudEndpoints cloud, CloudHttp http, ApiLimits limits, TimeProvider time)
    {
        _broker = broker;
        _cloud = cloud;
        _http = http;
        _limits = limits;
        _graphLimit = new SemaphoreSlim(limits.Graph, limits.Graph);
        _armLimit = new SemaphoreSlim(limits.ResourceManager, limits.ResourceManager);
        var pcLimit = new SemaphoreSlim(limits.PartnerCenter, limits.PartnerCenter);

        HttpMessageHandler pipeline = new FailedCallRecorder { InnerHandler = new NonDisposingHandler(http.Handler) };
        pipeline = new BearerTokenHandler(async ct => (await broker.GetTokenAsync(broker.PartnerTenant, cloud.PartnerCenterScope, ct)).Value) { InnerHandler = pipeline };
        pipeline = new PartnerCenterTries.Count { InnerHandler = pipeline };
        pipeline = new ResilienceHandler(RetryPolicies.PartnerCenter(limits, time)) { InnerHandler = pipeline };
        pipeline = new PartnerCenterTries.Verdict { InnerHandler = pipeline };
        pipeline = new ConcurrencyLimitHandler(pcLimit) { InnerHandler = pipeline };
        pipeline = new PartnerCenterHeadersHandler { InnerHandler = pipeline };
        pipeline = new WriteGateHandler { InnerHandler = pipeline };
        _partnerCenter = new HttpClient(pipeline) { BaseAddress = new Uri(cloud.PartnerCenter, "v1/"), Timeout = TimeSpan.FromMinutes(10) };
        // ARM's retries live in its Azure.Core pipeline, above this HttpClient: the gate knows a retry by its client request id.
        _arm = new HttpClient(new WriteGateHandler { InnerHandler = new FailedCallRecorder { InnerHandler = new NonDisposingHandler(http.Handler) } }) { Timeout = Timeout.InfiniteTimeSpan };
        _armTransport = new HttpClientTransport(_arm);
        _graph = CreateGraphHttp(http.Handler, _graphLimit, limits, time);
    }

    public CloudEndpoints Cloud => _cloud;

    public TokenBroker Broker => _broker;

    public PartnerCenterClient PartnerCenter(string? customerId, CancellationToken defaultCancellation) =>
        new(_partnerCenter, customerId, defaultCancellation);

    /// <summary>Graph for one tenant. The middleware chain (limit, retry, redirect, ...) is shared by every tenant's
    /// client: it holds no per-tenant state, and building it per tenant was a measurable cost in large runs.</summary>
    public GraphServiceClient Graph(string tenant)
    {
        var provider = new BrokerAccessTokenProvider(_broker, tenant, _cloud.GraphScope, _cloud.Graph.Host);
        return new GraphServiceClient(_graph, new BaseBearerTokenAuthenticationProvider(provider), new Uri(_cloud.Graph, "v1.0").AbsoluteUri);
    }

    private static HttpClient CreateGraphHttp(HttpMessageHandler transport, SemaphoreSlim limit, ApiLimits limits, TimeProvider time)
    {
        var handlers = GraphClientFactory.CreateDefaultHandlers();
        for (var i = 0; i < handlers.Count; i++)
        {
            if (handlers[i] is Microsoft.Kiota.Http.HttpClientLibrary.Middleware.RetryHandler)
            {
                handlers[i] = new GraphRetryHandler(Math.Min(limits.Retries, 10), limits.RetryDelay, time);
            }
        }

        // Outermost, so a request keeps its slot while Graph's retry handler waits out a Retry-After.
        handlers.Insert(0, new ConcurrencyLimitHandler(limit));
        // Above everything, so a what-if write takes no slot and a retried write is audited once.
        handlers.Insert(0, new WriteGateHandler());
        var client = GraphClientFactory.Create(handlers, finalHandler: new FailedCallRecorder { InnerHandler = new NonDisposingHandler(transport) });
        client.Timeout = TimeSpan.FromMinutes(10);
        return client;
    }

    public ArmClient Arm(string tenant)
    {
        var options = new ArmClientOptions
        {
            Environment = new ArmEnvironment(_cloud.ResourceManager, _cloud.ResourceManagerAudience),
            Transport = _armTransport,
        };
        ArmRetry.Configure(options, _limits);
        options.AddPolicy(new ConcurrencyLimitPolicy(_armLimit), Azure.Core.HttpPipelinePosition.PerCall);
        return new ArmClient(new BrokerTokenCredential(_broker, tenant), defaultSubscriptionId: null, options);
    }

    /// <summary>An HttpClient that sends this tenant's token for <paramref name="scope"/>, for APIs without an SDK.</summary>
    public HttpClient Authenticated(string tenant, string scope, Uri? baseAddress)
    {
        var handler = new WriteGateHandler
        {
            InnerHandler = new BearerTokenHandler(async ct => (await _broker.GetTokenAsync(tenant, scope, ct)).Value) { InnerHandler = new FailedCallRecorder { InnerHandler = new NonDisposingHandler(_http.Handler) } },
        };
        return new HttpClient(handler) { BaseAddress = baseAddress };
    }

    public void Dispose()
    {
        _partnerCenter.Dispose();
        _arm.Dispose();
        _graph.Dispose();
    }
}
