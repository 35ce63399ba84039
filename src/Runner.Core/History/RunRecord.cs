using Runner.Execution;

namespace Runner.History;

/// <summary>A run as history keeps it.</summary>
/// <param name="Trigger">run (the CLI), cron, manual, retry or recovery (see <see cref="TriggerKinds"/>).</param>
/// <param name="Node">The machine (or host node) that ran it.</param>
internal sealed record RunRecord(
    string Id,
    string Job,
    string Script,
    string Trigger,
    string Node,
    int? ProcessId,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    RunStatus Status,
    int Total,
    int Succeeded,
    int Failed,
    int TimedOut,
    int Skipped,
    int Cancelled,
    string? Error,
    int Attempt,
    string? Parameters)
{
    /// <summary>The scheduled occurrence (job + this time) a scheduler fire belongs to; retries and recoveries of it share
    /// it, so history can number the attempts. Null for runs from the CLI.</summary>
    public DateTimeOffset? ScheduledFor { get; init; }

    /// <summary>"what-if" or "read-only" (<see cref="Writes.WriteModes"/>); null for a run that could write.</summary>
    public string? Mode { get; init; }

    public TimeSpan? Duration => FinishedAt - StartedAt;
}

internal sealed record TenantRecord(
    string TenantId,
    string Domain,
    string Name,
    TenantStatus Status,
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    string? Result,
    string? Error);

internal sealed record TenantLogRecord(string TenantId, DateTimeOffset Time, string Level, string Message);

internal sealed record RunDetails(RunRecord Run, IReadOnlyList<TenantRecord> Tenants, IReadOnlyList<TenantLogRecord> Logs)
{
    /// <summary>The run's writes (sent, or planned in a what-if run), in the order each tenant made them.</summary>
    public IReadOnlyList<AuditedWrite> Writes { get; init; } = [];
}

/// <summary>One write as the audit keeps it: which run, job and tenant made it, and the write itself.</summary>
internal sealed record AuditedWrite(string RunId, string Job, string TenantId, string Domain, Writes.WriteRecord Write);

/// <summary>Which writes `runner audit` lists: filters are combined; newest first, at most <paramref name="Last"/>.</summary>
internal sealed record WriteQuery(string? RunId, string? Job, string? Tenant, DateTimeOffset? Since, bool IncludeWhatIf, int Last);
