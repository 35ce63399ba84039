using Runner.Execution;
using Runner.Tenants;
using Spectre.Console;

namespace Runner.Cli.Rendering;

/// <summary>Live progress on a terminal: one bar for the run, counting finished tenants and failures.</summary>
internal sealed class ProgressObserver(ProgressTask task) : IRunObserver
{
    private int _failed;

    public void RunStarted(string runId, string job, int tenantCount)
    {
        task.MaxValue = Math.Max(1, tenantCount);
        task.Description = Markup.Escape($"{job}: {tenantCount} tenants");
    }

    public void TenantStarted(CustomerTenant tenant)
    {
    }

    public void TenantFinished(TenantOutcome outcome)
    {
        if (outcome.Status is TenantStatus.Failed or TenantStatus.TimedOut)
        {
            Interlocked.Increment(ref _failed);
        }

        task.Increment(1);
        var failed = Volatile.Read(ref _failed);
        if (failed > 0)
        {
            task.Description = Markup.Escape(task.Description.Split(" (")[0]) + $" ([red]{failed} failed[/])";
        }
    }
}
