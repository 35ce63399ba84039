using Runner.Execution;
using Runner.Tenants;
using Spectre.Console;

namespace Runner.Cli.Rendering;

/// <summary>
/// What scripts print, on a terminal while live progress is shown: written through Spectre so the progress display
/// is redrawn below each line instead of over it, from a <see cref="LinePump"/> (never inside the script's console
/// lock). Dispose it when the run is over. (Redirected runs use <see cref="ScriptOutputWriter"/>.)
/// </summary>
internal sealed class ScriptOutputEcho(IAnsiConsole err) : IRunObserver, IDisposable
{
    private readonly LinePump _pump = new(line => err.Write(new Text(line + "\n")), () => { });

    public void RunStarted(string runId, string job, int tenantCount)
    {
    }

    public void TenantStarted(CustomerTenant tenant)
    {
    }

    public void TenantFinished(TenantOutcome outcome)
    {
    }

    public void TenantWrote(CustomerTenant tenant, LogLine line) => _pump.Post(ScriptOutputWriter.Format(tenant, line));

    public void Dispose() => _pump.Dispose();
}
