using Runner.Execution;
using Runner.History;

namespace Runner.Telemetry;

/// <summary>Counts a finished run and its tenants into the meters, once: by the CLI for its own runs, by the host for its fires.</summary>
internal static class RunMetrics
{
    public static void Record(string job, RunStatus status, IEnumerable<(TenantStatus Status, TimeSpan Duration)> tenants)
    {
        var jobTag = new KeyValuePair<string, object?>("job", job);
        RunnerTelemetry.Runs.Add(1, jobTag, new KeyValuePair<string, object?>("status", status.ToString()));
        foreach (var (tenantStatus, duration) in tenants)
        {
            RunnerTelemetry.Tenants.Add(1, jobTag, new KeyValuePair<string, object?>("status", tenantStatus.ToString()));
            if (tenantStatus is not TenantStatus.Skipped)
            {
                RunnerTelemetry.TenantDuration.Record(duration.TotalSeconds, jobTag);
            }
        }
    }

    public static void Record(RunDetails details) =>
        Record(details.Run.Job, details.Run.Status, details.Tenants.Select(t => (t.Status, t.Duration)));
}
