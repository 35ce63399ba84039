using Runner.Execution;

namespace Runner.History;

/// <summary>A run as history keeps it.</summary>
/// <param name="Trigger">manual, cron, retry, recovery, run (the CLI).</param>
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
    string? Parameters);

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

internal sealed record RunDetails(RunRecord Run, IReadOnlyList<TenantRecord> Tenants, IReadOnlyList<TenantLogRecord> Logs);
