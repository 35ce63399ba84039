using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Runner.Configuration;
using Runner.Execution;
using Runner.History;
using Runner.Runtime;
using Runner.Scripting;
using Runner.State;
using Runner.Tenants;

namespace Runner.Scheduling;

/// <summary>
/// What a warm worker does while it waits for its fire: the run path once, for a made-up tenant and without a
/// network request, so that Runner's code is loaded, initialised and compiled when the fire comes. It works on the
/// session the worker opened, which the fire uses only if none of the files it read has changed since
/// (<see cref="StateFingerprint"/>); history is rehearsed on a throwaway file. Best effort: a step that fails is
/// skipped (the fire meets the problem and reports it).
/// </summary>
internal static class WorkerRehearsal
{
    /// <summary>The script a warm worker runs, for a made-up tenant, to rehearse the fan-out: it reads nothing and
    /// calls nothing. The host writes it into the state folder and compiles it once at start.</summary>
    public const string Script = """
        // Written by runner host. Warm workers run it once, for a made-up tenant and without any request, to rehearse
        // a run before their fire (see docs/scheduling.md). Changes to this file are overwritten.
        return new { rehearsal = true, tenant = Tenant.Domain, at = DateTimeOffset.UtcNow };

        """;

    public static string ScriptPath(RunnerConfig config) => Path.Combine(config.StateDirectory, "host", "rehearsal.csx");

    /// <summary>Whether a warm worker may open its session ahead of the fire: not for the built-in sandbox (it starts
    /// in the worker at the fire) nor for Key Vault (opening reads the vault over the network).</summary>
    public static bool CanKeepSession(RunnerConfig config) =>
        config.Cloud.Kind != CloudKind.Sandbox && config.Secrets.Store != SecretStoreKind.KeyVault;

    /// <summary>The size and write time of each file a session reads when it opens (secret store, token cache, store
    /// key): equal before and after means a session opened in between is as current as one opened now. Every write
    /// of these files replaces them (a new file renamed into place), so a write always shows; reading and hashing
    /// them instead would cost the fire a read of a token cache that can hold thousands of tokens.</summary>
    public static string StateFingerprint(RunnerConfig config)
    {
        var state = new StateDirectory(config.StateDirectory);
        var fingerprint = new System.Text.StringBuilder();
        foreach (var file in new[] { state.SecretsFile, state.TokenCacheFile, SecretStores.KeyFile(config, state) })
        {
            var info = new FileInfo(file);
            fingerprint.Append(file).Append('|').Append(info.Exists ? $"{info.Length}|{info.LastWriteTimeUtc.Ticks}" : "missing").Append('\n');
        }

        return fingerprint.ToString();
    }

    /// <param name="session">The worker's session, when it could open one ahead (else the session steps are skipped).</param>
    public static async Task RehearseAsync(RunnerConfig config, RunnerSession? session, SessionServices services, ILogger log, CancellationToken cancellationToken)
    {
        await Step("history", log, () => HistoryAsync(config, cancellationToken));
        if (session is not null)
        {
            await Step("session", log, () => SessionAsync(config, session, services, cancellationToken));
        }

        var writer = new WorkerEventWriter(TextWriter.Null, 1, TimeSpan.FromMinutes(1));
        writer.RunStarted("rehearsal", "rehearsal", 1);
        writer.RunFinished("rehearsal", RunStatus.Succeeded, new Dictionary<string, int> { ["Succeeded"] = 1 }, 0);
    }

    private static async Task Step(string name, ILogger log, Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            log.LogDebug("Rehearsal step {Step} skipped: {Problem}", name, e.Message);
        }
    }

    /// <summary>With the session (secret store, token cache, MSAL, clients): finds the partner's token in the cache,
    /// reads the cached customer list, selects tenants, loads a job's compiled script, and runs the fan-out with the
    /// rehearsal script for a made-up tenant. Nothing is requested and nothing of it stays in the session.</summary>
    private static async Task SessionAsync(RunnerConfig config, RunnerSession session, SessionServices services, CancellationToken cancellationToken)
    {
        var partner = session.Broker.PartnerTenant;
        _ = session.Broker.HasPersistedToken(partner, session.Cloud.Endpoints.PartnerCenterScope);
        _ = session.Clients.PartnerCenter(null, cancellationToken);
        var job = config.Jobs.Values.FirstOrDefault(j => File.Exists(j.Script));
        if (session.Tenants.Cached() is { } tenants && job is not null)
        {
            try
            {
                _ = TenantSelector.Select(tenants, job.Tenants, job.Exclude, config.Tenants, services.Time.GetUtcNow());
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A selector that matches nothing is the fire's error to report.
            }
        }

        if (job is not null)
        {
            using var script = session.Scripts.TryLoadCached(job.Script);
        }

        // What the fan-out builds for each tenant before its script runs: the globals and the clients (no request).
        var tenant = new CustomerTenant { Id = Guid.Empty, Domain = "rehearsal.invalid", CompanyName = "Rehearsal", CustomerId = "rehearsal" };
        var key = tenant.Id.ToString();
        var globals = new ScriptGlobals(
            tenant,
            session.Clients.PartnerCenter(tenant.CustomerId, cancellationToken),
            () => session.Clients.Arm(key),
            () => session.Clients.Graph(key),
            new TenantLog("rehearsal", tenant.Domain, NullLogger.Instance, services.Redactor, services.Time),
            new JobParameters(new Dictionary<string, string>()),
            new TenantTokens(session.Clients, key, cancellationToken),
            cancellationToken);
        _ = globals.Arm;
        _ = globals.Graph;
        _ = new ResultSerializer(services.Redactor).ToJson(new { tenant = tenant.Domain, count = 1, items = new[] { "a" } });

        // The fan-out itself, with the rehearsal script (from the compile cache only; it makes no request).
        if (File.Exists(ScriptPath(config)) && session.Scripts.TryLoadCached(ScriptPath(config)) is { } rehearsal)
        {
            using (rehearsal)
            {
                var options = new ExecutionOptions("rehearsal", 1, TimeSpan.FromMinutes(1), new JobParameters(new Dictionary<string, string>()), config.BaseDirectory);
                var executor = new FanOutExecutor(session.Clients, services.Redactor, services.Time, NullLogger.Instance);
                await executor.RunAsync(rehearsal, [tenant], options, new WorkerEventWriter(TextWriter.Null, 1, TimeSpan.FromMinutes(1)), cancellationToken);
            }
        }
    }

    /// <summary>A run's history writes, on a throwaway SQLite file (the same statements a run makes).</summary>
    private static async Task HistoryAsync(RunnerConfig config, CancellationToken cancellationToken)
    {
        if (config.Scheduler.Store != SchedulerStoreKind.Sqlite)
        {
            return;
        }

        var folder = Path.Combine(Path.GetTempPath(), $"runner-rehearsal-{Environment.ProcessId}");
        try
        {
            var now = DateTimeOffset.UtcNow;
            await using (var history = SqliteRunHistory.Open(Path.Combine(folder, "history.db")))
            {
                await history.StartRunAsync(new RunRecord("rehearsal", "rehearsal", "rehearsal.csx", TriggerKinds.Cron, "rehearsal", Environment.ProcessId, now, null,
                    RunStatus.Running, 1, 0, 0, 0, 0, 0, null, 1, null) { ScheduledFor = now }, cancellationToken);
                var tenant = new CustomerTenant { Id = Guid.Empty, Domain = "rehearsal.invalid", CompanyName = "Rehearsal" };
                history.RecordTenant("rehearsal", new TenantOutcome(tenant, TenantStatus.Succeeded, now, TimeSpan.Zero, JsonValue.Create(1), null, []));
                await history.FinishRunAsync("rehearsal", RunStatus.Succeeded, now, null, cancellationToken);
            }
        }
        finally
        {
            Folders.TryDelete(folder);
        }
    }
}
