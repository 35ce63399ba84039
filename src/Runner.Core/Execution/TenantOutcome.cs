using System.Text.Json.Nodes;
using Runner.Tenants;

namespace Runner.Execution;

/// <summary>One tenant's result in a run.</summary>
/// <param name="Result">What the script returned or emitted, as JSON; null when it returned nothing.</param>
/// <param name="Error">Why it failed, timed out or was skipped, in plain words (with the script line when known).</param>
internal sealed record TenantOutcome(
    CustomerTenant Tenant,
    TenantStatus Status,
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    JsonNode? Result,
    string? Error,
    IReadOnlyList<LogLine> Logs)
{
    /// <summary>True when the partner credential itself is broken (exit code 3), not just this tenant.</summary>
    public bool NeedsOperator { get; init; }

    /// <summary>True when the tenant failed on a job parameter (missing or malformed --param): exit code 2.</summary>
    public bool IsUsageError { get; init; }

    /// <summary>The writes the script made (sent, or simulated in a what-if run), in order.</summary>
    public IReadOnlyList<Writes.WriteRecord> Writes { get; init; } = [];
}

/// <summary>A finished run.</summary>
internal sealed record RunOutcome(
    string RunId,
    string Job,
    string Script,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    RunStatus Status,
    IReadOnlyList<TenantOutcome> Tenants)
{
    /// <summary>Write (an ordinary run), WhatIf or ReadOnly.</summary>
    public Writes.WriteMode Mode { get; init; }

    public int Count(TenantStatus status) => Tenants.Count(t => t.Status == status);
}
