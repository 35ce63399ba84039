using Runner.History;

namespace Runner.Web.Data;

/// <summary>A page of runs for a filter.</summary>
internal sealed record RunPage(IReadOnlyList<RunRecord> Runs, bool HasMore);

/// <summary>The Runs page's and the API's filters, run by the history database (one query a page).</summary>
internal static class RunQueries
{
    public static async Task<RunPage> PageAsync(IRunHistory history, RunFilter filter, int pageSize, CancellationToken cancellation)
    {
        var status = filter.Status is { } s && Enum.TryParse<Execution.RunStatus>(s, ignoreCase: true, out var parsed) ? parsed.ToString() : filter.Status;
        var from = filter.From is { } f ? new DateTimeOffset(f.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : (DateTimeOffset?)null;
        var until = filter.To is { } t ? new DateTimeOffset(t.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : (DateTimeOffset?)null;
        var runs = await history.QueryRunsAsync(new RunQuery(filter.Job, status, filter.Tenant, from, until, (filter.Page - 1) * pageSize, pageSize + 1), cancellation);
        return new RunPage(runs.Take(pageSize).ToList(), runs.Count > pageSize);
    }
}
