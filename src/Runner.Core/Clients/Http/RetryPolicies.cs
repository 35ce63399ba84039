using Microsoft.Extensions.Http.Resilience;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;
using Polly;
using Runner.Configuration;

namespace Runner.Clients.Http;

/// <summary>
/// Retry settings: Partner Center here (our own client, Polly), Graph in <see cref="GraphRetryHandler"/> and ARM in
/// <see cref="ArmRetry"/>. All wait exactly the Retry-After a service sends and back off exponentially otherwise;
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
}
