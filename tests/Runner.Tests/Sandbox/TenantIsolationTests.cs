using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.ResourceManager;
using Microsoft.Graph;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Identity.Client;
using Microsoft.Kiota.Abstractions.Authentication;
using Runner.Http;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox;

/// <summary>Every sandbox API checks the bearer token's audience and tenant, as the cloud does.</summary>
public sealed class TenantIsolationTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>, IDisposable
{
    private readonly CloudHttp _http = CloudHttp.Create(sandbox.Host.CaCertificatePath);

    [Fact]
    public async Task A_graph_token_for_tenant_A_is_refused_for_tenant_B()
    {
        var (a, b) = TwoActiveCustomers();
        var graph = GraphFor(await TokenAsync(a.TenantId, "https://graph.microsoft.com/.default"));
        var userOfB = sandbox.Host.Context.Directory.FindTenant(b.TenantId)!.Content.Users[0].Id.ToString();

        var organization = await Assert.ThrowsAsync<ODataError>(() => graph.Organization[b.TenantId.ToString()].GetAsync());
        var user = await Assert.ThrowsAsync<ODataError>(() => graph.Users[userOfB].GetAsync());

        Assert.Equal(403, organization.ResponseStatusCode);
        Assert.Equal(404, user.ResponseStatusCode);
        var own = await graph.Organization.GetAsync();
        Assert.Equal(a.TenantId.ToString(), own!.Value!.Single().Id);
    }

    [Fact]
    public async Task An_arm_token_for_tenant_A_is_refused_for_a_subscription_of_tenant_B()
    {
        var (a, b) = TwoActiveCustomers(withAzure: true);
        var subscriptionOfB = sandbox.Host.Context.Directory.FindTenant(b.TenantId)!.Content.AzureSubscriptions[0].SubscriptionId;
        var token = await TokenAsync(a.TenantId, "https://management.azure.com/.default");
        var arm = new ArmClient(new StaticCredential(token), null, new ArmClientOptions
        {
            Environment = new ArmEnvironment(sandbox.Host.BaseUri, "https://management.azure.com"),
            Transport = new HttpClientTransport(_http.CreateClient()),
            Retry = { MaxRetries = 0 },
        });

        var error = await Assert.ThrowsAsync<RequestFailedException>(() =>
            arm.GetSubscriptionResource(new ResourceIdentifier($"/subscriptions/{subscriptionOfB}")).GetAsync());

        Assert.Equal(401, error.Status);
        Assert.Equal("InvalidAuthenticationTokenTenant", error.ErrorCode);
    }

    [Fact]
    public async Task A_token_for_another_audience_is_refused_by_graph()
    {
        var (a, _) = TwoActiveCustomers();
        var graph = GraphFor(await TokenAsync(a.TenantId, "https://management.azure.com/.default"));

        var error = await Assert.ThrowsAsync<ODataError>(() => graph.Users.GetAsync());

        Assert.Equal(401, error.ResponseStatusCode);
    }

    [Fact]
    public async Task A_request_without_a_token_is_refused_by_every_api()
    {
        using var client = _http.CreateClient();
        foreach (var path in new[] { "v1.0/users", "v1.0/organization", "subscriptions?api-version=2022-12-01", "v1/customers" })
        {
            using var response = await client.GetAsync(new Uri(sandbox.Host.BaseUri, path));
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    private (Runner.Sandbox.SandboxCustomer A, Runner.Sandbox.SandboxCustomer B) TwoActiveCustomers(bool withAzure = false)
    {
        var active = sandbox.Host.Customers
            .Where(c => c.GdapStatus == "active")
            .Where(c => !withAzure || sandbox.Host.Context.Directory.FindTenant(c.TenantId)!.Content.AzureSubscriptions.Count > 0)
            .ToList();
        return (active[0], active[1]);
    }

    /// <summary>A partner admin token for a customer, through MSAL as Runner gets it.</summary>
    private async Task<string> TokenAsync(Guid tenant, string scope)
    {
        var app = ConfidentialClientApplicationBuilder.Create(sandbox.Host.ClientId.ToString())
            .WithClientSecret(sandbox.Host.ClientSecret)
            .WithAuthority(new Uri(sandbox.Host.BaseUri, sandbox.Host.PartnerTenantId.ToString()).AbsoluteUri, validateAuthority: false)
            .WithInstanceDiscovery(false)
            .WithHttpClientFactory(new MsalHttpClientFactory(_http))
            .Build();
        var imported = await ((IByRefreshToken)app).AcquireTokenByRefreshToken(["https://graph.microsoft.com/.default"], sandbox.Host.IssueRefreshToken()).ExecuteAsync();
        var result = await app.AcquireTokenSilent([scope], imported.Account).WithTenantId(tenant.ToString()).ExecuteAsync();
        return result.AccessToken;
    }

    private GraphServiceClient GraphFor(string token)
    {
        var http = GraphClientFactory.Create(finalHandler: new Runner.Clients.Http.NonDisposingHandler(_http.Handler));
        var provider = new BaseBearerTokenAuthenticationProvider(new StaticTokenProvider(token, sandbox.Host.BaseUri.Host));
        return new GraphServiceClient(http, provider, new Uri(sandbox.Host.BaseUri, "v1.0").AbsoluteUri);
    }

    public void Dispose() => _http.Dispose();

    private sealed class StaticTokenProvider(string token, string host) : IAccessTokenProvider
    {
        public AllowedHostsValidator AllowedHostsValidator { get; } = new([host]);

        public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? context = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(token);
    }

    private sealed class StaticCredential(string token) : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(token, DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
