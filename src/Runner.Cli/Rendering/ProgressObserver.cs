using System.Collections.Concurrent;
using Runner.Execution;
using Runner.Tenants;
using Spectre.Console;

namespace Runner.Cli.Rendering;

/// <summary>
/// Live progress on a terminal (standard error): one bar for the run with tenants done, running, failed and
/// timed out. Spectre redraws on its own timer, so a thousand tenants finishing cost a thousand counter updates,
/// not a thousand redraws.
/// </summary>
internal sealed class ProgressObserver(ProgressTask task) : IRunObserver
{
    private string _title = "";
    private int _total;
    private readonly ConcurrentDictionary<Guid, byte> _running = new();
    private int _done;
    private int _failed;
    private int _timedOut;

    public void RunStarted(string runId, string job, int tenantCount)
    {
        _title = Markup.Escape(job);
        _total = tenantCount;
        task.MaxValue = Math.Max(1, tenantCount);
        Describe();
    }

    public void TenantStarted(CustomerTenant tenant)
    {
        _running.TryAdd(tenant.Id, 0);
        Describe();
    }

    public void TenantFinished(TenantOutcome outcome)
    {
        _running.TryRemove(outcome.Tenant.Id, out _);
        if (outcome.Status == TenantStatus.Failed)
        {
            Interlocked.Increment(ref _failed);
        }
        else if (outcome.Status == TenantStatus.TimedOut)
        {
            Interlocked.Increment(ref _timedOut);
        }

        Interlocked.Increment(ref _done);
        task.Increment(1);
        Describe();
    }

    private void Describe()
    {
        var text = $"{_title}: {Volatile.Read(ref _done)}/{_total} tenants, {_running.Count} running";
        var failed = Volatile.Read(ref _failed);
        var timedOut = Volatile.Read(ref _timedOut);
        if (failed > 0)
        {
            text += $", [red]{failed} failed[/]";
        }

        if (timedOut > 0)
        {
            text += $", [red]{timedOut} timed out[/]";
        }

        task.Description = text;
    }
}
