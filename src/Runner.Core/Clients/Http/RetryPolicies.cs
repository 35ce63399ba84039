using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Runner.Clients.Http;

/// <summary>
/// Retry settings for every API in one place: Partner Center (our own client, Polly), Graph (its SDK's retry
/// handler) and ARM (Azure.Core's retry policy). All honour Retry-After on 429 and back off with jitter on 5xx.
/// </summary>
internal static class RetryPolicies
{
    /// <summary>Attempts after the first. Default 6 (about a minute of backoff before Retry-After stretches it).</summary>
    public const int MaxRetries = 6;

    public static readonly TimeSpan BaseDelay = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(60);

    public static ResiliencePipeline<HttpResponseMessage> PartnerCenter(TimeProvider time) =>
        new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = BaseDelay,
                MaxDelay = MaxDelay,
                ShouldRetryAfterHeader = true,
            })
            .Build();

    public static Microsoft.Graph.GraphClientOptions GraphOptions() => new();

    public static Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options.RetryHandlerOption GraphRetry() => new()
    {
        MaxRetry = 5,
        Delay = (int)BaseDelay.TotalSeconds,
    };

    public static void Configure(Azure.Core.RetryOptions retry)
    {
        retry.MaxRetries = MaxRetries;
        retry.Mode = Azure.Core.RetryMode.Exponential;
        retry.Delay = BaseDelay;
        retry.MaxDelay = MaxDelay;
    }
}
