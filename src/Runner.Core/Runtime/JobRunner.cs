using Microsoft.Extensions.Logging;
using System.Text.Json;
using Runner.History;
using Runner.Execution;
using Runner.Scripting;
using Runner.Tenants;

namespace Runner.Runtime;

/// <summary>
/// One run along the data path: compiled script (cache) → partner credential check → tenant directory → selector
/// → history record → fan-out → results. Every selected tenant ends with an outcome, and history holds each one
/// as soon as it is known.
/// </summary>
internal sealed class JobRunner(RunnerSession session)
{
    public async Task<RunOutcome> RunAsync(JobRequest request, IRunObserver observer, CancellationToken cancellation)
    {
        var time = session.Services.Time;
        using var span = Telemetry.RunnerTelemetry.Source.StartActivity($"run {request.Job}");
        span?.SetTag("runner.job", request.Job);
        span?.SetTag("runner.trigger", request.Trigger);
        span?.SetTag("runner.attempt", request.Attempt);
        using var script = session.Scripts.Load(request.ScriptPath, cancellation, request.UseLastGoodScript);
        var parameters = new JobParameters(request.Parameters);
        if (script.RequiredParameters.FirstOrDefault(p => !parameters.Has(p.Name)) is { } missing)
        {
            // Once, before any tenant (or the run's record): every tenant would fail the same way.
            throw new JobRequestException($"{Path.GetRelativePath(session.Config.BaseDirectory, missing.Path)}({missing.Line}): the job parameter '{missing.Name}' is required. Pass it with --param {missing.Name}=<value> or set it under params: in runner.yaml.");
        }

        var partnerLevel = request.PartnerLevel || script.PartnerLevel;
        var mode = request.WhatIf ? Writes.WriteMode.WhatIf
            : request.ReadOnlyReason is not null || script.ReadOnly ? Writes.WriteMode.ReadOnly
            : Writes.WriteMode.Write;
        var readOnlyReason = request.ReadOnlyReason
            ?? (script.ReadOnly ? $"{Path.GetRelativePath(session.Config.BaseDirectory, request.ScriptPath)} says // runner: read-only" : "");
        var secrets = await JobSecretsLoader.LoadAsync(session, request, cancellation);

        // The partner credential is checked before anything runs: if it needs an operator, no tenant is tried.
        await session.Broker.GetTokenAsync(session.Broker.PartnerTenant, session.Cloud.Endpoints.PartnerCenterScope, cancellation);

        IReadOnlyList<CustomerTenant> run;
        IReadOnlyList<(CustomerTenant Tenant, string Reason)> skipped;
        if (partnerLevel)
        {
            if (request.Include.Count > 0 || request.Exclude.Count > 0)
            {
                var given = string.Join(" ", request.Include.Select(t => $"--tenant {t}").Concat(request.Exclude.Select(t => $"--exclude {t}")));
                session.Services.Logging.CreateLogger("Runner.Jobs").LogWarning(
                    "{Script} is partner-level: it runs once, in the partner's own tenant, so {Selection} is ignored.",
                    Path.GetRelativePath(session.Config.BaseDirectory, request.ScriptPath), given);
            }

            run = [await PartnerTenantAsync(cancellation)];
            skipped = [];
        }
        else
        {
            var all = await session.Tenants.GetAsync(request.RefreshTenants, cancellation);
            var selection = TenantSelector.Select(all, request.Include, request.Exclude, session.Config.Tenants, time.GetUtcNow());
            (run, skipped) = (selection.Run, selection.Skipped);
        }

        var runId = request.RunId ?? RunIds.New(time.GetUtcNow());
        var history = session.History;
        var started = time.GetUtcNow();
        var record = new RunRecord(
            runId, request.Job, request.ScriptPath, request.Trigger, request.Node, Environment.ProcessId, started, null, RunStatus.Running,
            run.Count + skipped.Count, 0, 0, 0, skipped.Count, 0, null, request.Attempt,
            request.Parameters.Count == 0 ? null : JsonSerializer.Serialize(request.Parameters))
        {
            Mode = Writes.WriteModes.Name(mode),
        };
        // A host's fire arrives already recorded (the run id is the host's), so its worker adds the pid and tenant
        // count while the tenants start, rather than first queueing for the history's write lock behind every other
        // worker of a burst (Task.Run: SQLite's async calls complete synchronously). Without a host, the record is
        // written before anything runs.
        var recordedByHost = request.RunId is not null;
        var recording = recordedByHost
            ? Task.Run(() => history.StartRunAsync(record, CancellationToken.None), CancellationToken.None)
            : history.StartRunAsync(record, CancellationToken.None);
        if (!recordedByHost)
        {
            await recording;
        }

        var recorder = new HistoryObserver(history, runId);
        using var exitAtOnce = ImmediateExit.Register(async limit =>
        {
            // A second Ctrl+C: every tenant not yet recorded is Cancelled (the running ones with what they were
            // doing), and the run is closed Interrupted, before the process exits.
            var now = time.GetUtcNow();
            foreach (var tenant in run.Where(t => !recorder.Finished.ContainsKey(t.Id)))
            {
                var error = recorder.Running.ContainsKey(tenant.Id)
                    ? "Stopped while running: Runner was told to exit at once (a second Ctrl+C or SIGTERM)."
                    : "Not started: Runner was told to exit at once (a second Ctrl+C or SIGTERM).";
                history.RecordTenant(runId, new TenantOutcome(tenant, TenantStatus.Cancelled, now, TimeSpan.Zero, null, error, []));
            }

            await history.FinishRunAsync(runId, RunStatus.Interrupted, now, "Stopped at once by a second Ctrl+C (or SIGTERM).", limit);
        });
        var observers = new CompositeObserver(recorder, observer);
        var outcomes = new List<TenantOutcome>(run.Count + skipped.Count);
        var status = RunStatus.Error;
        string? failure = "Runner stopped unexpectedly during the run.";
        var finished = started;
        try
        {
            observers.RunStarted(runId, request.Job, run.Count + skipped.Count);
            foreach (var (tenant, reason) in skipped)
            {
                var outcome = new TenantOutcome(tenant, TenantStatus.Skipped, time.GetUtcNow(), TimeSpan.Zero, null, reason, []);
                outcomes.Add(outcome);
                observers.TenantFinished(outcome);
            }

            var options = new ExecutionOptions(
                request.Job,
                request.Parallel ?? session.Config.Defaults.Parallel,
                request.Timeout ?? session.Config.Defaults.Timeout,
                parameters,
                session.Config.BaseDirectory)
            {
                Writes = mode,
                ReadOnlyReason = readOnlyReason,
                Secrets = secrets,
            };
            var executor = new FanOutExecutor(session.Clients, session.Services.Redactor, time, session.Services.Logging.CreateLogger("Runner.Jobs"));
            await using var cancelRequests = new CancelRequests(history, runId, time, session.Services.Logging.CreateLogger("Runner.Jobs"), cancellation);
            outcomes.AddRange(await executor.RunAsync(script, run, options, observers, cancelRequests.Token));

            if (cancelRequests.RequestedBy is { } actor)
            {
                failure = $"Cancelled by {actor} from the console.";
            }

            status = cancelRequests.Token.IsCancellationRequested ? RunStatus.Cancelled
                : outcomes.Any(o => o.Status is TenantStatus.Failed or TenantStatus.TimedOut) ? RunStatus.Failed
                : RunStatus.Succeeded;
            failure = cancelRequests.RequestedBy is null ? script.FallbackReason : failure;
        }
        finally
        {
            // Whatever happened, the run's record is closed with every outcome known so far.
            finished = time.GetUtcNow();
            try
            {
                await recording;
            }
            finally
            {
                // Closed even if the worker's own start write failed: the host's record of the run is there to close.
                await history.FinishRunAsync(runId, status, finished, failure, CancellationToken.None);
            }

            await session.Broker.FlushAsync(CancellationToken.None);
        }

        span?.SetTag("runner.run.id", runId);
        span?.SetTag("runner.run.status", status.ToString());
        if (status is not RunStatus.Succeeded)
        {
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, status.ToString());
        }

        // A host's fire is counted by the host (from history); a CLI run here.
        if (request.RunId is null)
        {
            Telemetry.RunMetrics.Record(request.Job, status, outcomes.Select(o => (o.Status, o.Duration)));
        }

        return new RunOutcome(runId, request.Job, request.ScriptPath, started, finished, status, outcomes) { Mode = mode };
    }

    /// <summary>The partner's own tenant as the <c>Tenant</c> of a partner-level job.</summary>
    private async Task<CustomerTenant> PartnerTenantAsync(CancellationToken cancellation)
    {
        var id = Guid.TryParse(session.Broker.PartnerTenant, out var guid) ? guid : Guid.Empty;
        var domain = session.Broker.PartnerTenant;
        var name = "Partner";
        try
        {
            var organization = await session.Clients.Graph(session.Broker.PartnerTenant).Organization.GetAsync(cancellationToken: cancellation);
            if (organization?.Value?.FirstOrDefault() is { } org)
            {
                id = Guid.TryParse(org.Id, out var orgId) ? orgId : id;
                name = org.DisplayName ?? name;
                domain = org.VerifiedDomains?.FirstOrDefault(d => d.IsInitial == true)?.Name ?? domain;
            }
        }
        catch (Microsoft.Kiota.Abstractions.ApiException)
        {
            // Without Organization.Read the job still runs; it just sees less about the partner.
        }

        return new CustomerTenant { Id = id, Domain = domain, CompanyName = name, CustomerId = "", IsPartner = true, Gdap = GdapAccess.Unknown };
    }

    private sealed class HistoryObserver(IRunHistory history, string runId) : IRunObserver
    {
        public System.Collections.Concurrent.ConcurrentDictionary<Guid, bool> Running { get; } = new();

        public System.Collections.Concurrent.ConcurrentDictionary<Guid, bool> Finished { get; } = new();

        public void RunStarted(string id, string job, int tenantCount)
        {
        }

        public void TenantStarted(CustomerTenant tenant) => Running[tenant.Id] = true;

        public void TenantFinished(TenantOutcome outcome)
        {
            Finished[outcome.Tenant.Id] = true;
            history.RecordTenant(runId, outcome);
        }
    }
}
