using Quartz;

namespace Runner.Configuration;

/// <summary>Binds each section of runner.yaml, with the defaults documented on the settings records.</summary>
internal static class ConfigSections
{
    private static readonly TimeSpan Week = TimeSpan.FromDays(7);

    public static CloudSettings Cloud(ConfigMap root)
    {
        var node = root["cloud"];
        var kind = node?.Enum(("sandbox", CloudKind.Sandbox), ("public", CloudKind.Public), ("usgov", CloudKind.UsGovernment),
            ("usgovdod", CloudKind.UsGovernmentDoD), ("china", CloudKind.China), ("custom", CloudKind.Custom)) ?? CloudKind.Sandbox;
        var endpointsNode = root["endpoints"];
        if (kind != CloudKind.Custom)
        {
            if (endpointsNode is not null)
            {
                throw endpointsNode.Error("endpoints are only read with cloud: custom");
            }

            return new CloudSettings(kind, null);
        }

        if (endpointsNode is null)
        {
            throw (node ?? root.Owner).Error("cloud: custom needs an endpoints: section with login, partnerCenter, resourceManager and graph URLs");
        }

        var map = endpointsNode.Map("login", "partnerCenter", "resourceManager", "graph", "caFile");
        return new CloudSettings(kind, new CustomEndpoints(
            map.Required("login").AbsoluteUri(),
            map.Required("partnerCenter").AbsoluteUri(),
            map.Required("resourceManager").AbsoluteUri(),
            map.Required("graph").AbsoluteUri(),
            map["caFile"]?.PathText()));
    }

    public static PartnerSettings Partner(ConfigNode? node, CloudKind cloud)
    {
        var map = node?.Map("tenant", "clientId", "clientSecret", "certificate", "certificatePassword");
        var clientId = map?["clientId"];
        if (clientId is not null && !Guid.TryParse(clientId.String(), out _))
        {
            throw clientId.Error($"expected the application (client) id, a GUID, found '{clientId.String()}'");
        }

        var secret = map?["clientSecret"];
        if (secret is not null)
        {
            RequireReference(secret);
        }

        var password = map?["certificatePassword"];
        if (password is not null)
        {
            RequireReference(password);
        }

        var certificate = map?["certificate"];
        if (certificate is not null && !certificate.String().StartsWith("secret:", StringComparison.Ordinal) && !certificate.String().StartsWith("file:", StringComparison.Ordinal))
        {
            throw certificate.Error("expected secret:NAME (a PFX in the secret store) or file:PATH (a PFX file)");
        }

        if (certificate is not null && certificate.String().StartsWith("file:", StringComparison.Ordinal) &&
            !PathSyntax.TryResolve(certificate.String()[5..], Path.GetTempPath(), out _))
        {
            throw certificate.Error("expected file:PATH with the path of a PFX file after 'file:'");
        }

        if (cloud is not CloudKind.Sandbox && node is not null)
        {
            if (map!["tenant"] is null)
            {
                throw node.Error("'tenant' is required: the partner tenant id or its onmicrosoft.com domain");
            }

            if (clientId is null)
            {
                throw node.Error("'clientId' is required: the partner application's id");
            }

            if (secret is null && certificate is null)
            {
                throw node.Error("'clientSecret' (secret:NAME or env:NAME) or 'certificate' is required");
            }
        }

        return new PartnerSettings(map?["tenant"]?.String(), clientId?.String(), secret?.String(), certificate?.String(), password?.String());
    }

    public static SecretSettings Secrets(ConfigNode? node)
    {
        var map = node?.Map("store", "vault", "keyFile");
        var store = map?["store"]?.Enum(("local", SecretStoreKind.Local), ("keyvault", SecretStoreKind.KeyVault), ("env", SecretStoreKind.Environment))
                    ?? SecretStoreKind.Local;
        var vault = map?["vault"]?.AbsoluteUri();
        if (store == SecretStoreKind.KeyVault && vault is null)
        {
            throw (map?["store"] ?? node!).Error("store: keyvault needs vault: https://<name>.vault.azure.net/");
        }

        return new SecretSettings(store, vault, map?["keyFile"]?.PathText());
    }

    public static TenantSettings Tenants(ConfigNode? node)
    {
        var map = node?.Map("exclude", "groups", "cacheFor");
        var groups = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        if (map?["groups"] is { } groupsNode)
        {
            foreach (var (name, value) in groupsNode.Map().Entries)
            {
                var members = value.Strings();
                if (members.Count == 0)
                {
                    throw value.Error("a group needs at least one tenant or selector");
                }

                groups[name] = members;
            }
        }

        return new TenantSettings(
            map?["exclude"]?.Strings() ?? [],
            groups,
            map?["cacheFor"]?.Duration(TimeSpan.Zero, Week) ?? TimeSpan.FromHours(1));
    }

    public static RunDefaults Defaults(ConfigNode? node)
    {
        var map = node?.Map("parallel", "timeout", "output");
        return new RunDefaults(
            map?["parallel"]?.Int(1, 1024) ?? 8,
            map?["timeout"]?.Duration(TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)) ?? TimeSpan.FromMinutes(5),
            map?["output"]?.Enum(("table", OutputFormat.Table), ("json", OutputFormat.Json), ("csv", OutputFormat.Csv)) ?? OutputFormat.Table);
    }

    public static ApiLimits Limits(ConfigNode? node)
    {
        var map = node?.Map("partnerCenter", "graph", "resourceManager", "token", "retries", "retryDelay");
        var limits = new ApiLimits(
            map?["partnerCenter"]?.Int(1, 1024) ?? 8,
            map?["graph"]?.Int(1, 1024) ?? 32,
            map?["resourceManager"]?.Int(1, 1024) ?? 32,
            map?["token"]?.Int(1, 1024) ?? 16);
        return limits with
        {
            Retries = map?["retries"]?.Int(0, 10) ?? limits.Retries,
            RetryDelay = map?["retryDelay"]?.Duration(TimeSpan.Zero, TimeSpan.FromMinutes(1)) ?? limits.RetryDelay,
        };
    }

    public static AuthSettings Auth(ConfigNode? node)
    {
        var map = node?.Map("keyVaultWriteInterval", "forceWriteAfter", "warnDays", "consentTimeout");
        return new AuthSettings(
            map?["keyVaultWriteInterval"]?.Duration(TimeSpan.Zero, TimeSpan.FromDays(30)) ?? TimeSpan.FromHours(24),
            map?["forceWriteAfter"]?.Duration(TimeSpan.Zero, TimeSpan.FromDays(80)) ?? Week,
            map?["warnDays"]?.Int(1, 89) ?? 14,
            map?["consentTimeout"]?.Duration(TimeSpan.FromSeconds(5), TimeSpan.FromHours(1)) ?? TimeSpan.FromMinutes(5));
    }

    public static IReadOnlyDictionary<string, JobSettings> Jobs(ConfigNode? node, string baseDirectory, IReadOnlySet<string>? channels = null)
    {
        var jobs = new Dictionary<string, JobSettings>(StringComparer.OrdinalIgnoreCase);
        if (node is null)
        {
            return jobs;
        }

        var map = node.Map();
        foreach (var (name, value) in map.Entries)
        {
            if (!IsValidJobName(name))
            {
                throw map.KeyOf(name).Error("job names use letters, digits, '-', '_' and '.' only");
            }

            jobs[name] = Job(name, value, baseDirectory, channels ?? new HashSet<string>());
        }

        return jobs;
    }

    private static JobSettings Job(string name, ConfigNode node, string baseDirectory, IReadOnlySet<string> channels)
    {
        var map = node.Map("script", "schedule", "timeZone", "tenants", "exclude", "params", "timeout", "jobTimeout", "retries", "retryBackoff",
            "parallel", "partnerLevel", "misfire", "enabled", "notify", "writes", "secrets");
        var scriptNode = map.Required("script");
        var script = scriptNode.FilePath(baseDirectory);
        if (!File.Exists(script))
        {
            throw scriptNode.Error($"the script '{scriptNode.String()}' does not exist (looked for {script})");
        }

        var schedule = map["schedule"];
        if (schedule is not null)
        {
            try
            {
                _ = new CronExpression(schedule.String());
            }
            catch (FormatException e)
            {
                throw schedule.Error($"not a valid Quartz cron expression (seconds minutes hours day-of-month month day-of-week [year]): {e.Message}");
            }
        }

        var timeZone = TimeZoneInfo.Utc;
        if (map["timeZone"] is { } zoneNode)
        {
            try
            {
                timeZone = TimeZoneInfo.FindSystemTimeZoneById(zoneNode.String());
            }
            catch (TimeZoneNotFoundException)
            {
                throw zoneNode.Error($"unknown time zone '{zoneNode.String()}'; use an IANA name such as Europe/Berlin or America/New_York");
            }
        }

        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (map["params"] is { } paramsNode)
        {
            foreach (var (key, value) in paramsNode.Map().Entries)
            {
                parameters[key] = value.String();
            }
        }

        return new JobSettings
        {
            Name = name,
            Script = script,
            Notify = NotifySection.Rules(map["notify"], channels),
            Schedule = schedule?.String(),
            TimeZone = timeZone,
            Tenants = map["tenants"]?.Strings() is { Count: > 0 } tenants ? tenants : ["all"],
            Exclude = map["exclude"]?.Strings() ?? [],
            Params = parameters,
            Timeout = map["timeout"]?.Duration(TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)),
            JobTimeout = map["jobTimeout"]?.Duration(TimeSpan.FromSeconds(1), TimeSpan.FromDays(7)),
            Retries = map["retries"]?.Int(0, 20) ?? 0,
            RetryBackoff = map["retryBackoff"]?.Duration(TimeSpan.Zero, TimeSpan.FromDays(1)) ?? TimeSpan.FromMinutes(1),
            Parallel = map["parallel"]?.Int(1, 1024),
            PartnerLevel = map["partnerLevel"]?.Bool() ?? false,
            Misfire = map["misfire"]?.Enum(("fireOnce", MisfirePolicy.FireOnce), ("skip", MisfirePolicy.Skip)) ?? MisfirePolicy.FireOnce,
            Enabled = map["enabled"]?.Bool() ?? true,
            Writes = map["writes"]?.Bool() ?? false,
            Secrets = JobSecretNames(map["secrets"]),
        };
    }

    /// <summary>jobs.NAME.secrets: names in the secret store this job may read; never Runner's own credential.</summary>
    private static IReadOnlyList<string> JobSecretNames(ConfigNode? node)
    {
        if (node is null)
        {
            return [];
        }

        var names = node.Strings();
        foreach (var name in names)
        {
            if (!Runner.Secrets.SecretNames.IsValid(name))
            {
                throw node.Error($"'{name}' is not a secret name: use letters, digits and dashes (at most {Runner.Secrets.SecretNames.MaxLength}), as Key Vault requires");
            }

            if (name.Equals(Runner.Auth.CredentialStore.RefreshTokenSecret, StringComparison.OrdinalIgnoreCase))
            {
                throw node.Error($"'{name}' is the partner's refresh token: Runner keeps it for itself and never hands it to a script (use Tokens for access tokens)");
            }
        }

        return names.Distinct(StringComparer.Ordinal).ToList();
    }

    public static SchedulerSettings Scheduler(ConfigNode? node)
    {
        var map = node?.Map("store", "connectionString", "shutdownGrace", "historyRetentionDays", "keepAlive", "maxConcurrentJobs", "nodeName",
            "checkinInterval", "misfireThreshold", "warmWorkers", "workers");
        var store = map?["store"]?.Enum(("sqlite", SchedulerStoreKind.Sqlite), ("postgres", SchedulerStoreKind.Postgres)) ?? SchedulerStoreKind.Sqlite;
        var connection = map?["connectionString"]?.String();
        if (store == SchedulerStoreKind.Postgres && connection is null)
        {
            throw (map?["store"] ?? node!).Error("store: postgres needs connectionString (for example env:RUNNER_PG)");
        }

        string? keepAlive = "0 17 3 * * ?";
        if (map?["keepAlive"] is { } keepAliveNode)
        {
            var text = keepAliveNode.String();
            if (text is "false" or "off" or "no")
            {
                keepAlive = null;
            }
            else
            {
                try
                {
                    _ = new CronExpression(text);
                    keepAlive = text;
                }
                catch (FormatException e)
                {
                    throw keepAliveNode.Error($"expected false or a Quartz cron expression: {e.Message}");
                }
            }
        }

        return new SchedulerSettings(
            store,
            connection,
            map?["shutdownGrace"]?.Duration(TimeSpan.Zero, TimeSpan.FromHours(1)) ?? TimeSpan.FromSeconds(30),
            map?["historyRetentionDays"]?.Int(1, 3650) ?? 90,
            keepAlive,
            map?["maxConcurrentJobs"]?.Int(1, 256) ?? 4,
            map?["nodeName"]?.String())
        {
            CheckinInterval = map?["checkinInterval"]?.Duration(TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(10)) ?? TimeSpan.FromSeconds(7.5),
            MisfireThreshold = map?["misfireThreshold"]?.Duration(TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)) ?? TimeSpan.FromMinutes(1),
            WarmWorkers = map?["warmWorkers"]?.Int(0, 256) ?? 2,
            Workers = Workers(map?["workers"]),
        };
    }

    private static WorkerSettings Workers(ConfigNode? node)
    {
        var map = node?.Map("mode", "maxFires", "maxMemoryMb", "maxConcurrentFires", "maxWorkers");
        var defaults = new WorkerSettings();
        var mode = map?["mode"] is { } modeNode
            ? modeNode.String() switch
            {
                "shared" => WorkerMode.Shared,
                "single" => WorkerMode.Single,
                var other => throw modeNode.Error($"expected shared or single, found '{other}'"),
            }
            : defaults.Mode;
        return new WorkerSettings(
            mode,
            map?["maxFires"]?.Int(1, 100_000) ?? defaults.MaxFires,
            map?["maxMemoryMb"]?.Int(100, 65_536) ?? defaults.MaxMemoryMb,
            map?["maxConcurrentFires"]?.Int(1, 256) ?? defaults.MaxConcurrentFires,
            map?["maxWorkers"]?.Int(1, 64) ?? defaults.MaxWorkers);
    }

    public static SandboxSettings Sandbox(ConfigNode? node)
    {
        var map = node?.Map("customers", "seed", "faults");
        var faults = map?["faults"]?.Map("latency", "throttleRate", "errorRate", "failingTenants", "tokenOutage", "retryAfter", "slowTenants", "advanceClock");
        return new SandboxSettings(
            map?["customers"]?.Int(1, 20000) ?? 10,
            map?["seed"]?.Int(int.MinValue, int.MaxValue) ?? 42,
            new SandboxFaultSettings(
                PerApi(faults?["latency"], n => n.Duration(TimeSpan.Zero, TimeSpan.FromMinutes(5))),
                PerApi(faults?["throttleRate"], n => n.Double(0, 1)),
                PerApi(faults?["errorRate"], n => n.Double(0, 1)),
                faults?["failingTenants"]?.Strings() ?? [],
                faults?["tokenOutage"]?.Bool() ?? false)
            {
                RetryAfter = PerApi(faults?["retryAfter"], n => n.Duration(TimeSpan.Zero, TimeSpan.FromHours(1))),
                SlowTenants = (faults?["slowTenants"]?.Map().Entries ?? [])
                    .ToDictionary(e => e.Key, e => e.Value.Duration(TimeSpan.Zero, TimeSpan.FromMinutes(5)), StringComparer.OrdinalIgnoreCase),
                AdvanceClock = faults?["advanceClock"]?.Duration(TimeSpan.Zero, TimeSpan.FromDays(3650)) ?? TimeSpan.Zero,
            });
    }

    private static IReadOnlyDictionary<string, T> PerApi<T>(ConfigNode? node, Func<ConfigNode, T> read)
    {
        var result = new Dictionary<string, T>(StringComparer.OrdinalIgnoreCase);
        if (node is null)
        {
            return result;
        }

        foreach (var (api, value) in node.Map("token", "partnerCenter", "arm", "graph", "keyVault", "*").Entries)
        {
            result[api] = read(value);
        }

        return result;
    }

    /// <summary>Secrets are named, never written into runner.yaml.</summary>
    private static void RequireReference(ConfigNode node)
    {
        var text = node.String();
        if (text is "secret:" or "env:")
        {
            throw node.Error($"a reference needs a name after the colon, such as {text}app-secret");
        }

        if (!SecretReferenceSyntax.IsReference(text))
        {
            throw node.Error("secrets are never written into runner.yaml: use secret:NAME (the secret store) or env:NAME (an environment variable)");
        }
    }

    private static bool IsValidJobName(string name) =>
        name.Length is > 0 and <= 100 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
