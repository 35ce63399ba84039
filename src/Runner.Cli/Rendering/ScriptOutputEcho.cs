using Runner.Execution;
using Runner.Tenants;
using Spectre.Console;

namespace Runner.Cli.Rendering;

/// <summary>
/// What scripts print, on a terminal while live progress is shown: written through Spectre so the progress display
/// is redrawn below each line instead of over it. (Redirected runs use <see cref="ScriptOutputWriter"/>.)
/// </summary>
internal sealed class ScriptOutputEcho(IAnsiConsole err) : IRunObserver
{
    private readonly object _sync = new();

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
            err.Write(new Text(ScriptOutputWriter.Format(tenant, line) + "\n"));
        }
    }
}
