using Microsoft.Extensions.Logging.Abstractions;
using Runner.Execution;
using Runner.Redaction;
using Runner.Runtime;
using Runner.Sandbox;
using Runner.Scripting;
using Runner.Tenants;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Scripting;

/// <summary>A real session on a test's sandbox, to invoke compiled scripts with real globals without the CLI.</summary>
internal sealed class ScriptSession : IAsyncDisposable
{
    private ScriptSession(Workspace workspace, RunnerSession session, CustomerTenant tenant)
    {
        Workspace = workspace;
        Session = session;
        Tenant = tenant;
    }

    public Workspace Workspace { get; }

    public RunnerSession Session { get; }

    public CustomerTenant Tenant { get; }

    public SecretRedactor Redactor => Session.Services.Redactor;

    public static async Task<ScriptSession> OpenAsync(SandboxHost sandbox)
    {
        var workspace = await new Workspace().WithSandboxAsync(sandbox);
        var session = await Sessions.OpenAsync(workspace);
        var customer = sandbox.Customers.First(c => c.GdapStatus == "active");
        var tenant = new CustomerTenant { Id = customer.TenantId, Domain = customer.Domain, CompanyName = customer.CompanyName, CustomerId = customer.TenantId.ToString() };
        return new ScriptSession(workspace, session, tenant);
    }

    /// <summary>Globals for <see cref="Tenant"/>, as the executor builds them for each tenant.</summary>
    public ScriptGlobals Globals(TenantLog log, IReadOnlyDictionary<string, string>? parameters = null)
    {
        var key = Tenant.Id.ToString();
        return new ScriptGlobals(
            Tenant,
            Session.Clients.PartnerCenter(key, CancellationToken.None),
            () => Session.Clients.Arm(key),
            () => Session.Clients.Graph(key),
            log,
            new JobParameters(parameters ?? new Dictionary<string, string>()),
            new TenantTokens(Session.Clients, key, CancellationToken.None),
            CancellationToken.None);
    }

    public TenantLog Log() => new("test", Tenant.Domain, NullLogger.Instance, Redactor, TimeProvider.System);

    public async ValueTask DisposeAsync()
    {
        await Session.DisposeAsync();
        Workspace.Dispose();
    }
}
