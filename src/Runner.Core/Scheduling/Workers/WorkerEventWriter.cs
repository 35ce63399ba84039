using Runner.Execution;
using Runner.Tenants;

namespace Runner.Scheduling;

/// <summary>Writes a worker's run as <see cref="WorkerEvent"/> lines, flushed one by one so the host sees each as it happens.
/// In a shared worker every line carries <paramref name="runId"/>, so the host can tell the fires on one stream apart.</summary>
internal sealed class WorkerEventWriter(TextWriter output, int parallel, TimeSpan timeout, string? runId = null) : IRunObserver
{
    private readonly object _sync = new();

    public void RunStarted(string runId, string job, int tenantCount) =>
        Write(new WorkerEvent(WorkerEvent.RunStarted, RunId: runId, Job: job, ProcessId: Environment.ProcessId, Tenants: tenantCount,
            Parallel: parallel, TimeoutSeconds: timeout.TotalSeconds));

    public void TenantStarted(CustomerTenant tenant)
    {
    }

    public void TenantFinished(TenantOutcome outcome) =>
        Write(new WorkerEvent(WorkerEvent.TenantFinished, Tenant: outcome.Tenant.Domain, Status: outcome.Status.ToString(),
            DurationMs: (long)outcome.Duration.TotalMilliseconds, Error: outcome.Error));

    public void RunFinished(string runId, RunStatus status, IReadOnlyDictionary<string, int> summary, int exitCode) =>
        Write(new WorkerEvent(WorkerEvent.RunFinished, RunId: runId, Status: status.ToString(), Summary: summary, ExitCode: exitCode));

    public void Failed(string message, int exitCode) =>
        Write(new WorkerEvent(WorkerEvent.Failed, Error: message, ExitCode: exitCode));

    private void Write(WorkerEvent e)
    {
        if (runId is not null && e.RunId is null)
        {
            e = e with { RunId = runId };
        }

        lock (_sync)
        {
            try
            {
                output.WriteLine(e.ToJsonLine());
                output.Flush();
            }
            catch (IOException)
            {
                // The host is gone (its end of the pipe closed); the run still goes to history.
            }
        }
    }
}
