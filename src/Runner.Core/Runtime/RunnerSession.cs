using System.Collections;
using Microsoft.Extensions.Logging;
using Runner.Auth;
using Runner.Clients;
using Runner.Configuration;
using Runner.History;
using Runner.Http;
using Runner.Redaction;
using Runner.Scripting;
using Runner.Secrets;
using Runner.State;
using Runner.Tenants;

namespace Runner.Runtime;

/// <summary>Process-wide services a session is opened with.</summary>
internal sealed record SessionServices(IDictionary Environment, TimeProvider Time, ILoggerFactory Logging, SecretRedactor Redactor)
{
    public static SessionServices Default(ILoggerFactory logging) =>
        new(System.Environment.GetEnvironmentVariables(), TimeProvider.System, logging, new SecretRedactor());
}

/// <summary>
/// Everything one run needs, composed in the order of the data path: configuration, secret store, token broker,
/// clients, tenant directory, script engine, history. The CLI, the worker and tests open one per process.
/// </summary>
internal sealed class RunnerSession : IAsyncDisposable
{
    private readonly Lazy<IRunHistory> _history;

    private RunnerSession(
        RunnerConfig config,
        CloudConnection cloud,
        SessionServices services,
        StateDirectory state,
        CloudHttp http,
        ISecretStore secrets,
        CredentialStore credentials,
        TokenBroker broker,
        TenantClientFactory clients,
        TenantDirectory tenants,
        ScriptEngine scripts)
    {
        Config = config;
        Cloud = cloud;
        Services = services;
        State = state;
        Http = http;
        Secrets = secrets;
        Credentials = credentials;
        Broker = broker;
        Clients = clients;
        Tenants = tenants;
        Scripts = scripts;
        _history = new Lazy<IRunHistory>(() => RunHistories.Open(config, state, new SecretResolver(secrets, services.Environment), services.Logging.CreateLogger("Runner.History")));
    }

    public RunnerConfig Config { get; }

    public CloudConnection Cloud { get; }

    public SessionServices Services { get; }

    public StateDirectory State { get; }

    public CloudHttp Http { get; }

    public ISecretStore Secrets { get; }

    public CredentialStore Credentials { get; }

    public TokenBroker Broker { get; }

    public TenantClientFactory Clients { get; }

    public TenantDirectory Tenants { get; }

    public ScriptEngine Scripts { get; }

    /// <summary>The run history, opened on first use.</summary>
    public IRunHistory History => _history.Value;

    public static async Task<RunnerSession> OpenAsync(RunnerConfig config, CloudConnection cloud, SessionServices services, Func<Uri, ISecretStore>? keyVault, CancellationToken cancellationToken)
    {
        var state = new StateDirectory(config.StateDirectory);
        state.Ensure();
        var log = services.Logging.CreateLogger("Runner");
        var http = CloudHttp.ForSession(cloud.CaFile);
        try
        {
            var secrets = SecretStores.Create(config, state, services.Environment, services.Time, keyVault ?? SecretStores.KeyVault(cloud, http, services.Environment));
            var resolver = new SecretResolver(secrets, services.Environment);
            var application = await PartnerApplications.ResolveAsync(config, cloud, resolver, services.Redactor, cancellationToken);
            var cache = new TokenCacheFile(state, SecretStores.KeyFile(config, state), services.Environment);
            var credentials = new CredentialStore(cache, secrets, config.Auth, services.Redactor, services.Time, services.Logging.CreateLogger("Runner.Auth"));
            var broker = new TokenBroker(application, cloud.Endpoints, http, credentials, services.Redactor, services.Time, services.Logging.CreateLogger("Runner.Auth"), config.Limits.Token, config.Limits.RetryDelay);
            var clients = new TenantClientFactory(broker, cloud.Endpoints, http, config.Limits, services.Time);
            var tenants = new TenantDirectory(clients, state, config.Tenants, cloud.Fingerprint, services.Time, services.Logging.CreateLogger("Runner.Tenants"));
            var scripts = ScriptEngine.Create(state.Root, services.Logging.CreateLogger("Runner.Scripting"));
            return new RunnerSession(config, cloud, services, state, http, secrets, credentials, broker, clients, tenants, scripts);
        }
        catch
        {
            http.Dispose();
            throw;
        }
        finally
        {
            log.LogDebug("Session opened for {Cloud}", cloud.Endpoints.Name);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Each part is released even when one before it throws (a history with unwritten outcomes throws at dispose).
        var failures = new List<Exception>();
        await ReleaseAsync(async () => await Broker.DisposeAsync());
        await ReleaseAsync(() => { Clients.Dispose(); return Task.CompletedTask; });
        if (_history.IsValueCreated)
        {
            await ReleaseAsync(async () => await _history.Value.DisposeAsync());
        }

        await ReleaseAsync(() => { Http.Dispose(); return Task.CompletedTask; });
        if (failures.Count > 0)
        {
            throw failures.Count == 1 ? failures[0] : new AggregateException(failures);
        }

        async Task ReleaseAsync(Func<Task> release)
        {
            try
            {
                await release();
            }
            catch (Exception e)
            {
                failures.Add(e);
            }
        }
    }
}
