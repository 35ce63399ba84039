using Microsoft.Extensions.Logging;
using Runner.Auth;
using Runner.Cli.Rendering;
using Runner.Clouds;
using Runner.Configuration;
using Runner.Redaction;
using Runner.Runtime;
using Runner.State;

namespace Runner.Cli.Composition;

/// <summary>One command invocation's composition: configuration, the cloud (starting the sandbox if asked),
/// and a session, disposed together.</summary>
internal sealed class CliContext : Runner.Scheduling.IWorkerContext
{
    // Typed loosely on purpose: a field (or an async method's local) of a sandbox type loads Runner.Sandbox into every
    // process, and a run against the real cloud (or a sandbox in another process) never needs it.
    private IAsyncDisposable? _sandbox;
    private TelemetrySetup.Handle? _telemetry;

    /// <summary>When runner.yaml exports telemetry: a provider that sends log lines over OTLP (for loggers built elsewhere, like the host's).</summary>
    public ILoggerProvider? TelemetryLogs => _telemetry?.LogProvider;
    private RunnerSession? _session;
    private Runner.Http.CloudHttp? _storeHttp;

    public CliContext(CliConsole console, string? configPath, bool verbose)
    {
        Console = console;
        ConfigPath = configPath;
        Verbose = verbose;
        Redactor = new SecretRedactor();
        var level = verbose ? (console.Environment["RUNNER_TRACE"] is not null ? LogLevel.Trace : LogLevel.Debug) : LogLevel.Warning;
        // Built directly: LoggerFactory.Create builds a dependency-injection container, start-up time every command pays.
        Logging = new LoggerFactory([new StderrLoggerProvider(console.Error, level, Redactor)], new LoggerFilterOptions { MinLevel = level });
        Services = new SessionServices(console.Environment, console.Time, Logging, Redactor);
    }

    public CliConsole Console { get; }

    public string? ConfigPath { get; }

    public bool Verbose { get; }

    public SecretRedactor Redactor { get; }

    public ILoggerFactory Logging { get; }

    public SessionServices Services { get; private set; }

    public RunnerSession? Session => _session;


    /// <summary>Loads runner.yaml (the --config path, RUNNER_CONFIG, or the nearest one up from here).</summary>
    public RunnerConfig LoadConfig()
    {
        var path = ConfigLoader.Locate(ConfigPath, Console.CurrentDirectory, Console.Environment)
            ?? throw new ConfigException(Path.Combine(Console.CurrentDirectory, ConfigLoader.FileName), 0, 0, "",
                "no runner.yaml here or in any parent folder. Run `runner init` to set this folder up (the built-in sandbox to start), or pass --config, or set RUNNER_CONFIG.");
        if (!File.Exists(path))
        {
            throw new ConfigException(path, 0, 0, "", "the file does not exist");
        }

        var config = ConfigLoader.Load(path, Console.Environment);
        _telemetry ??= TelemetrySetup.Start(config, Logging);
        return config;
    }

    /// <summary>The snapshot the host validated when it names one (a worker), else runner.yaml itself.</summary>
    public RunnerConfig LoadConfig(string? snapshot)
    {
        if (snapshot is null)
        {
            return LoadConfig();
        }

        var config = ConfigLoader.Parse(File.ReadAllText(snapshot), ConfigLoader.Locate(ConfigPath, Console.CurrentDirectory, Console.Environment) ?? snapshot, Console.Environment);
        // A worker exports its part of the fire's trace (and its API counters) like any other process.
        _telemetry ??= TelemetrySetup.Start(config, Logging);
        return config;
    }

    /// <summary>Opens a session on the configured cloud; for cloud: sandbox, starts and seeds the local cloud first.</summary>
    public async Task<RunnerSession> OpenSessionAsync(RunnerConfig config, CancellationToken cancellationToken)
    {
        var state = new StateDirectory(config.StateDirectory);
        state.Ensure();
        CloudConnection connection;
        if (config.Cloud.Kind == CloudKind.Sandbox)
        {
            connection = await StartSandboxAsync(config, state, cancellationToken);
        }
        else
        {
            connection = CloudConnections.For(config);
        }

        _session = await RunnerSession.OpenAsync(config, connection, Services, null, cancellationToken);
        return _session;
    }

    /// <summary>Starts and seeds the built-in sandbox: the only place a CLI process touches Runner.Sandbox.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private async Task<CloudConnection> StartSandboxAsync(RunnerConfig config, StateDirectory state, CancellationToken cancellationToken)
    {
        // Processes started together in a fresh folder: the first creates the sandbox's keys, CA and credential,
        // the others wait and use the same ones (each making its own left all but one with tokens nobody accepts).
        using (await Runner.State.FileLock.AcquireAsync(state.SandboxLock, TimeSpan.FromSeconds(120), cancellationToken))
        {
            var (sandbox, connection) = await SandboxBootstrap.StartAsync(config, state.SandboxData, cancellationToken);
            _sandbox = sandbox;
            if (ReferenceEquals(Services.Time, TimeProvider.System))
            {
                // Runner reckons token lifetimes and the credential's 90 days on the sandbox's clock, so advancing
                // it (sandbox.faults.advanceClock) behaves as the same days passing in the cloud would.
                Services = Services with { Time = sandbox.Clock };
            }

            var store = SecretStores.Create(config, state, Console.Environment, Services.Time, null);
            var cache = new TokenCacheFile(state, SecretStores.KeyFile(config, state), Console.Environment);
            await SandboxBootstrap.SeedAsync(sandbox, state.SandboxData, store, connection, cache, Services.Time, cancellationToken);
            return connection;
        }
    }

    /// <summary>The configured secret store without a whole session (for `runner secret set`); Key Vault included.</summary>
    public Runner.Secrets.ISecretStore OpenSecretStore(RunnerConfig config)
    {
        var state = new StateDirectory(config.StateDirectory);
        state.Ensure();
        Func<Uri, Runner.Secrets.ISecretStore>? keyVault = null;
        if (config.Secrets.Store == SecretStoreKind.KeyVault && config.Cloud.Kind != CloudKind.Sandbox)
        {
            var connection = CloudConnections.For(config);
            _storeHttp ??= Runner.Http.CloudHttp.Create(connection.CaFile);
            keyVault = SecretStores.KeyVault(connection, _storeHttp, Console.Environment);
        }

        return SecretStores.Create(config, state, Console.Environment, Services.Time, keyVault);
    }

    public async ValueTask DisposeAsync()
    {
        if (_session is not null)
        {
            await _session.DisposeAsync();
        }

        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }

        _storeHttp?.Dispose();
        _telemetry?.Dispose();
        Logging.Dispose();
    }
}
