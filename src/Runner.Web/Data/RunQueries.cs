using Runner.History;

namespace Runner.Web.Data;

/// <summary>A page of runs for a filter.</summary>
internal sealed record RunPage(IReadOnlyList<RunRecord> Runs, bool HasMore);

/// <summary>
/// Filters runs for the Runs page and the API. Reads the newest <see cref="Window"/> runs of the job (or of all jobs)
/// from history and filters them here; a tenant filter opens each candidate run's tenants.
/// </summary>
internal static class RunQueries
{
    public const int Window = 10_000;

    public static async Task<RunPage> PageAsync(IRunHistory history, RunFilter filter, int pageSize, CancellationToken cancellation)
    {
        var runs = await history.ListRunsAsync(filter.Job, Window, cancellation);
        IEnumerable<RunRecord> matching = runs;
        if (filter.Status is { } status)
        {
            matching = matching.Where(r => string.Equals(r.Status.ToString(), status, StringComparison.OrdinalIgnoreCase));
        }

        if (filter.From is { } from)
        {
            matching = matching.Where(r => DateOnly.FromDateTime(r.StartedAt.UtcDateTime) >= from);
        }

        if (filter.To is { } to)
        {
            matching = matching.Where(r => DateOnly.FromDateTime(r.StartedAt.UtcDateTime) <= to);
        }

        var skip = (filter.Page - 1) * pageSize;
        if (filter.Tenant is not { } tenant)
        {
            var list = matching.Skip(skip).Take(pageSize + 1).ToList();
            return new RunPage(list.Take(pageSize).ToList(), list.Count > pageSize);
        }

        var found = new List<RunRecord>();
        foreach (var run in matching)
        {
            if (await history.GetRunAsync(run.Id, cancellation) is { } details && details.Tenants.Any(t =>
                    t.Domain.Contains(tenant, StringComparison.OrdinalIgnoreCase) || t.Name.Contains(tenant, StringComparison.OrdinalIgnoreCase) ||
                    string.Equals(t.TenantId, tenant, StringComparison.OrdinalIgnoreCase)))
            {
                found.Add(run);
                if (found.Count > skip + pageSize)
                {
                    break;
                }
            }
        }

        return new RunPage(found.Skip(skip).Take(pageSize).ToList(), found.Count > skip + pageSize);
    }
}
