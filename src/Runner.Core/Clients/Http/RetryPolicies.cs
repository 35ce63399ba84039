using Microsoft.Extensions.Http.Resilience;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;
using Polly;
using Runner.Configuration;

namespace Runner.Clients.Http;

/// <summary>
/// Retry settings for every API in one place: Partner Center (our own client, Polly), Graph (its SDK's retry
/// handler) and ARM (Azure.Core's retry policy). All honour Retry-After on 429 and back off exponentially on 5xx;
/// the number of retries and the first delay come from runner.yaml (<c>limits: { retries, retryDelay }</c>).
/// </summary>
internal static class RetryPolicies
{
    /// <summary>No single backoff waits longer than this (a Retry-After may still ask for more).</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(60);

    /// <summary>Partner Center: 429 (honouring Retry-After), 408, 5xx and connection failures, with jittered
    /// exponential backoff. The pipeline re-sends the same request message, so MS-RequestId stays the same.</summary>
    public static ResiliencePipeline<HttpResponseMessage> PartnerCenter(ApiLimits limits, TimeProvider time)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time };
        if (limits.Retries > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = limits.Retries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = limits.RetryDelay,
                MaxDelay = MaxDelay,
                ShouldRetryAfterHeader = true,
            });
        }

        return builder.Build();
    }

    /// <summary>Graph (Kiota's retry handler): 429, 503 and 504, honouring Retry-After. Kiota counts its delay in
    /// whole seconds, so a configured delay under a second means retrying at once when no Retry-After is sent.</summary>
    public static RetryHandlerOption Graph(ApiLimits limits) => new()
    {
        MaxRetry = Math.Min(limits.Retries, 10),
        Delay = (int)Math.Min(limits.RetryDelay.TotalSeconds, 180),
    };

    /// <summary>ARM (Azure.Core): 408, 429, 500, 502, 503, 504 and connection failures, honouring Retry-After.</summary>
    public static void Configure(Azure.Core.RetryOptions retry, ApiLimits limits)
    {
        retry.MaxRetries = limits.Retries;
        retry.Mode = Azure.Core.RetryMode.Exponential;
        retry.Delay = limits.RetryDelay;
        retry.MaxDelay = MaxDelay;
    }
}
