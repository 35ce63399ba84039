using Microsoft.Extensions.Logging;
using Runner.Tenants;

namespace Runner.Execution;

/// <summary>
/// Writes what scripts print, as it happens, one line per write named by tenant (<c>[contoso.com] text</c>, with
/// <c>(stderr)</c> for standard error). A CLI run writes them to standard error; a worker writes them to its standard
/// error too, so the host's record of a worker that dies mid-run still ends with what the script said last.
/// <paramref name="queued"/>: written from a <see cref="LinePump"/> instead of the script's own thread (the CLI: a
/// script's console write holds Console.Out's lock, which every stderr write on Unix takes too, so echoing there
/// deadlocked two tenants printing to both streams); dispose it when the run is over. A worker writes at once, so
/// that a script that ends its process (Environment.Exit) has its last line recorded: its standard error is written
/// past Console's streams (<see cref="Scheduling.WorkerStreams"/>), which take no console lock.
/// </summary>
internal sealed class ScriptOutputWriter(TextWriter target, bool queued = false) : IRunObserver, IDisposable
{
    private readonly object _sync = new();
    private readonly LinePump? _pump = queued ? new LinePump(target.WriteLine, target.Flush) : null;

    public static string Format(CustomerTenant tenant, LogLine line) =>
        line.Level >= LogLevel.Error ? $"[{tenant.Domain}] (stderr) {line.Message}" : $"[{tenant.Domain}] {line.Message}";

    public void RunStarted(string runId, string job, int tenantCount)
    {
    }

    public void TenantStarted(CustomerTenant tenant)
    {
    }

    public void TenantFinished(TenantOutcome outcome)
    {
    }

    public void TenantWrote(CustomerTenant tenant, LogLine line)
    {
        if (_pump is not null)
        {
            _pump.Post(Format(tenant, line));
            return;
        }

        lock (_sync)
        {
            target.WriteLine(Format(tenant, line));
            target.Flush();
        }
    }

    public void Dispose() => _pump?.Dispose();
}
