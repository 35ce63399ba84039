using Runner.Tenants;

namespace Runner.Execution;

/// <summary>Hears about a run as it happens: progress displays, history writers, the worker's event stream.</summary>
internal interface IRunObserver
{
    void RunStarted(string runId, string job, int tenantCount);

    void TenantStarted(CustomerTenant tenant);

    void TenantFinished(TenantOutcome outcome);

    /// <summary>The script wrote a line to its console (already redacted and kept in the tenant's log).</summary>
    void TenantWrote(CustomerTenant tenant, LogLine line)
    {
    }
}

/// <summary>Passes every event to several observers.</summary>
internal sealed class CompositeObserver(params IRunObserver[] observers) : IRunObserver
{
    public void RunStarted(string runId, string job, int tenantCount)
    {
        foreach (var o in observers)
        {
            o.RunStarted(runId, job, tenantCount);
        }
    }

    public void TenantStarted(CustomerTenant tenant)
    {
        foreach (var o in observers)
        {
            o.TenantStarted(tenant);
        }
    }

    public void TenantFinished(TenantOutcome outcome)
    {
        foreach (var o in observers)
        {
            o.TenantFinished(outcome);
        }
    }

    public void TenantWrote(CustomerTenant tenant, LogLine line)
    {
        foreach (var o in observers)
        {
            o.TenantWrote(tenant, line);
        }
    }
}
