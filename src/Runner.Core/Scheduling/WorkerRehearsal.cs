using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Runner.Configuration;
using Runner.Execution;
using Runner.History;
using Runner.Runtime;
using Runner.Scripting;
using Runner.Tenants;

namespace Runner.Scheduling;

/// <summary>
/// What a warm worker does while it waits for its fire: the run path once, on throwaway objects and without a
/// network request, so that Runner's code is loaded, initialised and compiled when the fire comes. Nothing it opens
/// is kept: at the fire the worker opens its own session and reads configuration, secrets, tokens and the customer
/// list as they are then. Best effort: a step that fails is skipped (the fire will meet the problem and report it).
/// </summary>
internal static class WorkerRehearsal
{
    public static async Task RehearseAsync(RunnerConfig config, SessionServices services, ILogger log, CancellationToken cancellationToken)
    {
        await Step("history", log, () => HistoryAsync(config, cancellationToken));
        // The built-in sandbox starts in the worker at the fire, and Key Vault is a network request: neither is rehearsed.
        if (config.Cloud.Kind != CloudKind.Sandbox && config.Secrets.Store != SecretStoreKind.KeyVault)
        {
            await Step("session", log, () => SessionAsync(config, services, cancellationToken));
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

    /// <summary>Opens the session (secret store, token cache, MSAL, clients), finds the partner's token in the cache,
    /// reads the cached customer list, selects tenants and loads a job's compiled script, then closes it all.</summary>
    private static async Task SessionAsync(RunnerConfig config, SessionServices services, CancellationToken cancellationToken)
    {
        await using var session = await RunnerSession.OpenAsync(config, CloudConnections.For(config), services, null, cancellationToken);
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
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
