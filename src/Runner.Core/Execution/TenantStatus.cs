namespace Runner.Execution;

/// <summary>How one tenant's part of a run ended.</summary>
internal enum TenantStatus
{
    Succeeded,
    Failed,
    TimedOut,
    Skipped,
    Cancelled,
}

/// <summary>How a whole run ended.</summary>
internal enum RunStatus
{
    Running,

    /// <summary>Every tenant succeeded or was skipped.</summary>
    Succeeded,

    /// <summary>At least one tenant failed or timed out.</summary>
    Failed,

    /// <summary>Stopped by Ctrl+C or SIGTERM; finished tenants are kept.</summary>
    Cancelled,

    /// <summary>The process ended without finishing the record (a crash or kill); found and marked at the next start.</summary>
    Interrupted,

    /// <summary>Nothing ran: configuration, compile or credential error.</summary>
    Error,

    /// <summary>The whole run passed its hard time limit (a scheduled job's jobTimeout) and its worker was killed.</summary>
    TimedOut,
}
