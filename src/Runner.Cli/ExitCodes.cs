namespace Runner.Cli;

/// <summary>The exit codes the design promises, for scripts and schedulers that call runner.</summary>
internal static class ExitCodes
{
    /// <summary>Every tenant succeeded (or was skipped with a reason).</summary>
    public const int Success = 0;

    /// <summary>Some tenants failed or timed out.</summary>
    public const int TenantsFailed = 1;

    /// <summary>Usage, configuration or compile error: nothing ran.</summary>
    public const int Usage = 2;

    /// <summary>The partner credential needs an operator: consent again, MFA, app secret.</summary>
    public const int NeedsOperator = 3;

    /// <summary>An internal error: a bug in Runner, not in the script, the tenants or the configuration.</summary>
    public const int Internal = 70;

    /// <summary>Interrupted (Ctrl+C or SIGTERM).</summary>
    public const int Interrupted = 130;
}
