using Microsoft.Extensions.Logging;
using Runner.Tenants;

namespace Runner.Execution;

/// <summary>
/// Writes what scripts print, as it happens, one line per write named by tenant (<c>[contoso.com] text</c>, with
/// <c>(stderr)</c> for standard error). A CLI run writes them to standard error; a worker writes them to its standard
/// error too, so the host's record of a worker that dies mid-run still ends with what the script said last.
/// </summary>
internal sealed class ScriptOutputWriter(TextWriter target) : IRunObserver
{
    private readonly object _sync = new();

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
        lock (_sync)
        {
            target.WriteLine(Format(tenant, line));
            target.Flush();
        }
    }
}
