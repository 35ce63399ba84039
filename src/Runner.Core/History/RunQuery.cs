namespace Runner.History;

/// <summary>A filtered page of runs, newest first (the console's Runs page and /api/v1/runs).</summary>
/// <param name="Tenant">A tenant id, or part of a domain or company name, that took part in the run.</param>
/// <param name="From">Runs started on or after this time.</param>
/// <param name="Until">Runs started before this time.</param>
internal sealed record RunQuery(string? Job, string? Status, string? Tenant, DateTimeOffset? From, DateTimeOffset? Until, int Skip, int Take);
