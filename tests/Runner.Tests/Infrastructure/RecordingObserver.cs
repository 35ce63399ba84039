using System.Collections.Concurrent;
using Runner.Execution;
using Runner.Tenants;

namespace Runner.Tests.Infrastructure;

/// <summary>Records what a run reports as it happens, tracks how many tenants ran at once, and can act on events
/// (for example cancel the run once some tenants have finished).</summary>
internal sealed class RecordingObserver : IRunObserver
{
    private int _running;
    private int _maxRunning;

    public ConcurrentQueue<TenantOutcome> Finished { get; } = new();

    public ConcurrentQueue<CustomerTenant> Started { get; } = new();

    public int MaxRunning => Volatile.Read(ref _maxRunning);

    public Action<RecordingObserver, CustomerTenant>? OnStarted { get; init; }

    public Action<RecordingObserver, TenantOutcome>? OnFinished { get; init; }

    public void RunStarted(string runId, string job, int tenantCount)
    {
    }

    public void TenantStarted(CustomerTenant tenant)
    {
        Started.Enqueue(tenant);
        var now = Interlocked.Increment(ref _running);
        int max;
        while (now > (max = Volatile.Read(ref _maxRunning)) && Interlocked.CompareExchange(ref _maxRunning, now, max) != max)
        {
        }

        OnStarted?.Invoke(this, tenant);
    }

    public void TenantFinished(TenantOutcome outcome)
    {
        if (Started.Any(t => t.Id == outcome.Tenant.Id))
        {
            Interlocked.Decrement(ref _running);
        }

        Finished.Enqueue(outcome);
        OnFinished?.Invoke(this, outcome);
    }
}
