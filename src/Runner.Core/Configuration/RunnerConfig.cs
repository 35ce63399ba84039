namespace Runner.Configuration;

/// <summary>Everything runner.yaml says, resolved against the file's folder, with defaults filled in.</summary>
internal sealed record RunnerConfig
{
    /// <summary>The runner.yaml this came from.</summary>
    public required string FilePath { get; init; }

    /// <summary>The folder relative paths (scripts, state) are resolved against: runner.yaml's own.</summary>
    public required string BaseDirectory { get; init; }

    public required CloudSettings Cloud { get; init; }

    public required PartnerSettings Partner { get; init; }

    public required SecretSettings Secrets { get; init; }

    /// <summary>The state folder (token cache, compile cache, history), absolute.</summary>
    public required string StateDirectory { get; init; }

    public required TenantSettings Tenants { get; init; }

    public required RunDefaults Defaults { get; init; }

    public required ApiLimits Limits { get; init; }

    public required AuthSettings Auth { get; init; }

    public required IReadOnlyDictionary<string, JobSettings> Jobs { get; init; }

    public required SchedulerSettings Scheduler { get; init; }

    public required SandboxSettings Sandbox { get; init; }

    /// <summary>The operator console (`web:`); <see cref="WebSettings.Default"/> when the section is absent.</summary>
    public WebSettings Web { get; init; } = WebSettings.Default;

    /// <summary>Notification channels and rules (`notify:`); none when the section is absent.</summary>
    public NotifySettings Notify { get; init; } = NotifySettings.None;

    /// <summary>OpenTelemetry export (`telemetry:`); none when the section is absent.</summary>
    public TelemetrySettings Telemetry { get; init; } = TelemetrySettings.None;

    /// <summary>Resolves a path written in runner.yaml or on the command line relative to runner.yaml's folder.</summary>
    public string Resolve(string path) => Path.GetFullPath(path, BaseDirectory);
}

internal enum CloudKind
{
    /// <summary>The built-in local cloud, started inside the process.</summary>
    Sandbox,

    /// <summary>Microsoft's global cloud.</summary>
    Public,

    /// <summary>Microsoft Cloud for US Government (GCC High).</summary>
    UsGovernment,

    /// <summary>Microsoft Azure operated by 21Vianet.</summary>
    China,

    /// <summary>Explicit endpoints, for example a standalone `runner sandbox`.</summary>
    Custom,

    /// <summary>Microsoft Cloud for US Government DoD (Graph at dod-graph.microsoft.us; otherwise as GCC High).</summary>
    UsGovernmentDoD,
}

internal sealed record CloudSettings(CloudKind Kind, CustomEndpoints? Endpoints);

/// <summary>Endpoints for <see cref="CloudKind.Custom"/>. Audiences default to the public cloud's.</summary>
internal sealed record CustomEndpoints(Uri Login, Uri PartnerCenter, Uri ResourceManager, Uri Graph, string? CaFile);

internal sealed record PartnerSettings(string? Tenant, string? ClientId, string? ClientSecret, string? Certificate, string? CertificatePassword);

internal enum SecretStoreKind
{
    /// <summary>An AES-GCM encrypted file in the state folder.</summary>
    Local,

    /// <summary>Azure Key Vault.</summary>
    KeyVault,

    /// <summary>Environment variables, read-only (CI).</summary>
    Environment,
}

internal sealed record SecretSettings(SecretStoreKind Store, Uri? Vault, string? KeyFile);

/// <param name="Exclude">Tenants never run, whatever the selection.</param>
/// <param name="Groups">Named selections for --tenant group:NAME.</param>
/// <param name="CacheFor">How long the customer list from Partner Center is reused. Default 1 hour.</param>
internal sealed record TenantSettings(IReadOnlyList<string> Exclude, IReadOnlyDictionary<string, IReadOnlyList<string>> Groups, TimeSpan CacheFor);

internal enum OutputFormat
{
    Table,
    Json,
    Csv,
}

/// <param name="Parallel">Tenants run at the same time. Default 8.</param>
/// <param name="Timeout">Per-tenant time limit. Default 5 minutes.</param>
internal sealed record RunDefaults(int Parallel, TimeSpan Timeout, OutputFormat Output);

/// <summary>Concurrent requests per API, shared by every tenant in a run, so a large fan-out does not provoke a
/// throttling storm. Defaults: Partner Center 8, Graph 32, ARM 32, token endpoint 16.</summary>
internal sealed record ApiLimits(int PartnerCenter, int Graph, int ResourceManager, int Token)
{
    /// <summary>Retries of a throttled (429) or failed (5xx) request, for every API. Default 6.</summary>
    public int Retries { get; init; } = 6;

    /// <summary>First backoff delay of the retries (doubling, with jitter) when no Retry-After says otherwise. Default 1 s.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);
}

/// <param name="KeyVaultWriteInterval">Least time between write-backs of a rotated refresh token to Key Vault. Default 24 h.</param>
/// <param name="ForceWriteAfter">A stored token older than this is written back whatever the interval. Default 7 days.</param>
/// <param name="WarnDays">auth status warns when this many days or fewer remain. Default 14.</param>
/// <param name="ConsentTimeout">How long `runner consent` waits for the browser. Default 5 minutes.</param>
internal sealed record AuthSettings(TimeSpan KeyVaultWriteInterval, TimeSpan ForceWriteAfter, int WarnDays, TimeSpan ConsentTimeout);

public enum MisfirePolicy
{
    /// <summary>After downtime, fire once as soon as possible.</summary>
    FireOnce,

    /// <summary>After downtime, wait for the next scheduled time.</summary>
    Skip,
}

internal sealed record JobSettings
{
    public required string Name { get; init; }

    /// <summary>Absolute path of the script.</summary>
    public required string Script { get; init; }

    /// <summary>Quartz cron expression (seconds first), or null for a job run only on demand.</summary>
    public string? Schedule { get; init; }

    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;

    /// <summary>Tenant selectors; ["all"] by default.</summary>
    public IReadOnlyList<string> Tenants { get; init; } = ["all"];

    public IReadOnlyList<string> Exclude { get; init; } = [];

    public IReadOnlyDictionary<string, string> Params { get; init; } = new Dictionary<string, string>();

    /// <summary>This job's own notification rules, on top of notify.rules.</summary>
    public IReadOnlyList<NotifyRule> Notify { get; init; } = [];

    public TimeSpan? Timeout { get; init; }

    /// <summary>Hard limit for a whole fire; the worker is killed after it. Default: timeout × tenants ÷ parallel + 5 min, at most 6 h.</summary>
    public TimeSpan? JobTimeout { get; init; }

    public int Retries { get; init; }

    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromMinutes(1);

    public int? Parallel { get; init; }

    /// <summary>Run once for the partner rather than once per customer.</summary>
    public bool PartnerLevel { get; init; }

    public MisfirePolicy Misfire { get; init; } = MisfirePolicy.FireOnce;

    public bool Enabled { get; init; } = true;

    /// <summary>Whether the job may change anything (POST, PUT, PATCH, DELETE). Default false: a job in runner.yaml
    /// is read-only until it says <c>writes: true</c>, so a scheduled job never changes a tenant by surprise.</summary>
    public bool Writes { get; init; }

    /// <summary>Secret-store names the job's script may read through <c>Secrets</c>.</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];
}

internal enum SchedulerStoreKind
{
    Sqlite,
    Postgres,
}

/// <param name="ConnectionString">For postgres: a reference (env:NAME or secret:NAME) or the value itself.</param>
/// <param name="ShutdownGrace">How long running workers may finish after SIGTERM. Default 30 s.</param>
/// <param name="HistoryRetentionDays">Runs older than this are deleted. Default 90.</param>
/// <param name="KeepAliveSchedule">Cron of the built-in credential keep-alive; null disables it. Default daily 03:17.</param>
internal sealed record SchedulerSettings(
    SchedulerStoreKind Store,
    string? ConnectionString,
    TimeSpan ShutdownGrace,
    int HistoryRetentionDays,
    string? KeepAliveSchedule,
    int MaxConcurrentJobs,
    string? NodeName)
{
    /// <summary>How often a clustered node records that it is alive; a node silent for twice this long is taken
    /// for dead and its running jobs are recovered on another node. Default 7.5 s.</summary>
    public TimeSpan CheckinInterval { get; init; } = TimeSpan.FromSeconds(7.5);

    /// <summary>How late a fire may be before it counts as missed (then the job's misfire policy decides). Default 1 min.</summary>
    public TimeSpan MisfireThreshold { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Worker processes the host keeps started and warmed up, each waiting for one fire (0 to 256), when
    /// <see cref="Workers"/> runs a process per fire. Default 2.</summary>
    public int WarmWorkers { get; init; } = 2;

    /// <summary>How fires get a worker process: shared workers serving many fires (the default) or one per fire.</summary>
    public WorkerSettings Workers { get; init; } = new();
}

/// <summary>Where a fire runs (scheduler.workers in runner.yaml).</summary>
internal enum WorkerMode
{
    /// <summary>A worker process serves many fires at once, each script in its own collectible load context, and is
    /// recycled after <see cref="WorkerSettings.MaxFires"/> fires or past <see cref="WorkerSettings.MaxMemoryMb"/>.</summary>
    Shared,

    /// <summary>A process per fire (scheduler.warmWorkers of them started ahead).</summary>
    Single,
}

/// <param name="Mode">shared (default) or single.</param>
/// <param name="MaxFires">Fires a shared worker takes before it is recycled (1 to 100,000). Default 500.</param>
/// <param name="MaxMemoryMb">Working set past which a shared worker takes no new fire and is recycled (100 to 65,536). Default 400.</param>
/// <param name="MaxConcurrentFires">Fires one shared worker runs at once before another is started (1 to 256). Default 64.</param>
/// <param name="MaxWorkers">Shared workers at most, the one being recycled included (1 to 64). Default 2.</param>
internal sealed record WorkerSettings(WorkerMode Mode = WorkerMode.Shared, int MaxFires = 500, int MaxMemoryMb = 400, int MaxConcurrentFires = 64, int MaxWorkers = 2);

/// <param name="Customers">Customer tenants the built-in sandbox seeds. Default 10.</param>
/// <param name="Seed">Seed of the generated data. Default 42.</param>
/// <param name="Faults">Faults injected from the start, per API.</param>
internal sealed record SandboxSettings(int Customers, int Seed, SandboxFaultSettings Faults);

internal sealed record SandboxFaultSettings(
    IReadOnlyDictionary<string, TimeSpan> Latency,
    IReadOnlyDictionary<string, double> ThrottleRate,
    IReadOnlyDictionary<string, double> ErrorRate,
    IReadOnlyList<string> FailingTenants,
    bool TokenOutage)
{
    /// <summary>Retry-After sent with injected 429s, per API. Default 1 second.</summary>
    public IReadOnlyDictionary<string, TimeSpan> RetryAfter { get; init; } = new Dictionary<string, TimeSpan>();

    /// <summary>Extra latency for every request about a tenant (id or domain): slow customers.</summary>
    public IReadOnlyDictionary<string, TimeSpan> SlowTenants { get; init; } = new Dictionary<string, TimeSpan>();

    /// <summary>How far the sandbox clock starts ahead of real time (for example 91d: refresh tokens have expired).</summary>
    public TimeSpan AdvanceClock { get; init; }
}
