using Azure.ResourceManager;
using Microsoft.Graph;
using Runner.Clients.PartnerCenter;
using Runner.Runtime;
using Runner.Sandbox;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox;

/// <summary>
/// Runner's own session against a test's sandbox (cloud: custom, credential stored as after consent): the clients a
/// job script gets (ArmClient, GraphServiceClient, PartnerCenterClient), and raw authenticated HttpClients for
/// checking the JSON itself.
/// </summary>
internal sealed class SandboxSession : IAsyncDisposable
{
    private readonly Workspace _workspace;

    private SandboxSession(Workspace workspace, RunnerSession session, SandboxHost host)
    {
        _workspace = workspace;
        Session = session;
        Host = host;
    }

    public RunnerSession Session { get; }

    public SandboxHost Host { get; }

    public string PartnerTenant => Host.PartnerTenantId.ToString();

    public static async Task<SandboxSession> OpenAsync(SandboxHost host, string extraYaml = "")
    {
        var workspace = await new Workspace().WithSandboxAsync(host, extraYaml);
        try
        {
            var session = await Sessions.OpenAsync(workspace);
            return new SandboxSession(workspace, session, host);
        }
        catch
        {
            workspace.Dispose();
            throw;
        }
    }

    public PartnerCenterClient PartnerCenter(string? customerId = null) => Session.Clients.PartnerCenter(customerId, CancellationToken.None);

    public GraphServiceClient Graph(Guid tenant) => Session.Clients.Graph(tenant.ToString());

    public ArmClient Arm(Guid tenant) => Session.Clients.Arm(tenant.ToString());

    /// <summary>An HttpClient that sends this tenant's token for Graph, rooted at /v1.0/.</summary>
    public HttpClient RawGraph(Guid tenant) =>
        Session.Clients.Authenticated(tenant.ToString(), Session.Cloud.Endpoints.GraphScope, new Uri(Host.BaseUri, "v1.0/"));

    /// <summary>An HttpClient that sends this tenant's token for ARM, rooted at the ARM endpoint.</summary>
    public HttpClient RawArm(Guid tenant) =>
        Session.Clients.Authenticated(tenant.ToString(), Session.Cloud.Endpoints.ResourceManagerScope, Host.BaseUri);

    /// <summary>An HttpClient that sends the partner's Partner Center token, rooted at /v1/.</summary>
    public HttpClient RawPartnerCenter() =>
        Session.Clients.Authenticated(PartnerTenant, Session.Cloud.Endpoints.PartnerCenterScope, new Uri(Host.BaseUri, "v1/"));

    public async ValueTask DisposeAsync()
    {
        await Session.DisposeAsync();
        _workspace.Dispose();
    }
}
