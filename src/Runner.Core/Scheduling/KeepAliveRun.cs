using Runner.Auth;
using Runner.Execution;
using Runner.History;
using Runner.Runtime;
using Runner.Tenants;

namespace Runner.Scheduling;

/// <summary>The keep-alive as a run: one "tenant" (the partner), recorded in history like any job, so `runner history
/// keep-alive` shows when the credential was last exercised and whether it needs an operator.</summary>
internal static class KeepAliveRun
{
    public static async Task<RunOutcome> RunAsync(RunnerSession session, JobRequest request, IRunObserver observer, CancellationToken cancellation)
    {
        var time = session.Services.Time;
        var runId = request.RunId ?? RunIds.New(time.GetUtcNow());
        var started = time.GetUtcNow();
        await session.History.StartRunAsync(new RunRecord(runId, SchedulerKeys.KeepAlive, "(built-in)", request.Trigger, request.Node, Environment.ProcessId,
            started, null, RunStatus.Running, 1, 0, 0, 0, 0, 0, null, request.Attempt, null), CancellationToken.None);
        observer.RunStarted(runId, SchedulerKeys.KeepAlive, 1);
        var partner = new CustomerTenant
        {
            Id = Guid.TryParse(session.Broker.PartnerTenant, out var id) ? id : Guid.Empty,
            Domain = session.Broker.PartnerTenant,
            CompanyName = "Partner",
            IsPartner = true,
        };
        var clock = time.GetTimestamp();
        TenantOutcome outcome;
        try
        {
            var result = await CredentialKeepAlive.RunAsync(session, cancellation);
            outcome = new TenantOutcome(partner, TenantStatus.Succeeded, started, time.GetElapsedTime(clock), result, null, []);
        }
        catch (TokenAcquisitionException e)
        {
            outcome = new TenantOutcome(partner, TenantStatus.Failed, started, time.GetElapsedTime(clock), null, e.Message, []) { NeedsOperator = e.NeedsOperator };
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            outcome = new TenantOutcome(partner, TenantStatus.Cancelled, started, time.GetElapsedTime(clock), null, "Cancelled while running.", []);
        }

        session.History.RecordTenant(runId, outcome);
        observer.TenantFinished(outcome);
        var status = outcome.Status switch
        {
            TenantStatus.Succeeded => RunStatus.Succeeded,
            TenantStatus.Cancelled => RunStatus.Cancelled,
            _ => RunStatus.Failed,
        };
        var finished = time.GetUtcNow();
        await session.History.FinishRunAsync(runId, status, finished, outcome.Error, CancellationToken.None);
        return new RunOutcome(runId, SchedulerKeys.KeepAlive, "(built-in)", started, finished, status, [outcome]);
    }
}
