namespace Runner.History;

/// <summary>
/// Runs by filter, in the database: the (job, started_at) and started_at indexes serve the common filters, so a page
/// costs the same with 100,000 runs as with 100; a tenant filter is an EXISTS on that run's results.
/// </summary>
internal abstract partial class RelationalRunHistory
{
    public Task<IReadOnlyList<RunRecord>> QueryRunsAsync(RunQuery query, CancellationToken cancellationToken)
    {
        var where = new List<string>();
        var parameters = new List<(string, object?)> { ("skip", query.Skip), ("take", query.Take) };
        if (query.Job is { } job)
        {
            where.Add("job = @job");
            parameters.Add(("job", job));
        }

        if (query.Status is { } status)
        {
            where.Add("status = @status");
            parameters.Add(("status", status));
        }

        if (query.From is { } from)
        {
            where.Add("started_at >= @from");
            parameters.Add(("from", ToDb(from)));
        }

        if (query.Until is { } until)
        {
            where.Add("started_at < @until");
            parameters.Add(("until", ToDb(until)));
        }

        if (query.Tenant is { } tenant)
        {
            var pattern = "%" + tenant.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
            where.Add($"EXISTS (SELECT 1 FROM {Results} t WHERE t.run_id = {Runs}.id AND (t.tenant_id = @tenant OR lower(t.domain) LIKE lower(@tenantLike) ESCAPE '\\' OR lower(t.name) LIKE lower(@tenantLike) ESCAPE '\\'))");
            parameters.Add(("tenant", tenant));
            parameters.Add(("tenantLike", pattern));
        }

        var filter = where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where);
        return QueryRunsAsync($"SELECT * FROM {Runs} {filter} ORDER BY started_at DESC LIMIT @take OFFSET @skip", cancellationToken, [.. parameters]);
    }
}
