using Runner.Configuration;

namespace Runner.Scheduling;

/// <summary>
/// The hard time limit of one fire, after which its worker is killed: the job's jobTimeout, or else the time its
/// tenants could take (per-tenant timeout × rounds of parallel tenants) plus five minutes, never more than six hours.
/// </summary>
internal static class JobLimits
{
    public static readonly TimeSpan Ceiling = TimeSpan.FromHours(6);

    private static readonly TimeSpan Slack = TimeSpan.FromMinutes(5);

    /// <summary>The built-in keep-alive is one token exchange.</summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromMinutes(10);

    /// <summary>Before the worker has said how many tenants it runs.</summary>
    public static TimeSpan Initial(JobSettings? job) => job is null ? KeepAlive : job.JobTimeout ?? Ceiling;

    /// <summary>Once the worker has reported its tenant count, parallelism and per-tenant timeout.</summary>
    public static TimeSpan ForRun(JobSettings? job, int tenants, int parallel, TimeSpan timeout)
    {
        if (job is null)
        {
            return KeepAlive;
        }

        if (job.JobTimeout is { } explicitLimit)
        {
            return explicitLimit;
        }

        var rounds = (Math.Max(tenants, 1) + Math.Max(parallel, 1) - 1) / Math.Max(parallel, 1);
        var estimate = timeout * rounds + Slack;
        return estimate < Ceiling ? estimate : Ceiling;
    }
}
