using System.Net.Http.Headers;

namespace Runner.Clients.Http;

/// <summary>How long to wait before a retry: exactly what the service's Retry-After asks for when it sends one
/// (waiting longer only slows the run; shorter is refused again), else exponential backoff with jitter.</summary>
internal static class RetryDelays
{
    /// <summary>A Retry-After longer than this is not waited for: the call fails with the service's answer.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromMinutes(3);

    public static TimeSpan? FromRetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now) =>
        header?.Delta ?? (header?.Date is { } date ? (date - now < TimeSpan.Zero ? TimeSpan.Zero : date - now) : null);

    /// <summary>Attempt 1 waits about <paramref name="first"/>, each next one twice as long, ±20 %, at most <paramref name="max"/>.</summary>
    public static TimeSpan Backoff(TimeSpan first, int attempt, TimeSpan max)
    {
        var delay = first * Math.Pow(2, attempt - 1) * (0.8 + Random.Shared.NextDouble() * 0.4);
        return delay > max ? max : delay;
    }
}
