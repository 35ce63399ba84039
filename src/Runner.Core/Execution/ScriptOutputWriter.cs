using Microsoft.Extensions.Logging;
using Runner.Tenants;

namespace Runner.Execution;

/// <summary>
/// Writes what scripts print, as it happens, one line per write named by tenant (<c>[contoso.com] text</c>, with
/// <c>(stderr)</c> for standard error). A CLI run writes them to standard error; a worker writes them to its standard
/// error too, so the host's record of a worker that dies mid-run still ends with what the script said last. Written
/// through a <see cref="LinePump"/>; dispose it when the run is over, before anything else is printed.
/// </summary>
internal sealed class ScriptOutputWriter(TextWriter target) : IRunObserver, IDisposable
{
    private readonly LinePump _pump = new(target.WriteLine, target.Flush);

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

    public void TenantWrote(CustomerTenant tenant, LogLine line) => _pump.Post(Format(tenant, line));

    public void Dispose() => _pump.Dispose();
}
