using Microsoft.Extensions.Logging;

namespace Runner.Execution;

/// <summary>
/// Routes what a script writes to <see cref="Console.Out"/> and <see cref="Console.Error"/> into the log of the tenant
/// it runs for. Scripts for many tenants share one process console, so each tenant's run sets its log on its own async
/// flow; writes made elsewhere (Runner itself, a worker's event stream) pass through unchanged. Captured lines are
/// redacted like <c>Log</c> lines and never reach standard output raw, so <c>--output json|csv</c> stays parseable.
/// </summary>
internal static class ScriptConsole
{
    private static readonly AsyncLocal<ScriptConsoleCapture?> Current = new();
    private static readonly object InstallLock = new();
    private static bool _installed;

    /// <summary>The capture of the calling flow, or null outside a tenant's run.</summary>
    internal static ScriptConsoleCapture? Active => Current.Value;

    /// <summary>
    /// Starts capturing for the calling flow (and every task it starts). Dispose the result once the tenant's outcome
    /// is decided: a line the script left unfinished is logged then.
    /// </summary>
    public static ScriptConsoleCapture Capture(TenantLog tenantLog)
    {
        Install();
        var capture = new ScriptConsoleCapture(tenantLog);
        Current.Value = capture;
        return capture;
    }

    /// <summary>
    /// Wraps the process's console writers once. Whatever writers are current at that moment (a worker has already
    /// pointed standard output at standard error to keep its event stream clean) become the pass-through targets.
    /// </summary>
    private static void Install()
    {
        lock (InstallLock)
        {
            if (_installed)
            {
                return;
            }

            Console.SetOut(new ScriptConsoleWriter(Console.Out, LogLevel.Information));
            Console.SetError(new ScriptConsoleWriter(Console.Error, LogLevel.Error));
            _installed = true;
        }
    }
}
