using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Runner.Clients.Http;

/// <summary>
/// ARM's retries on Azure.Core's RetryPolicy, with a delay that is exactly the Retry-After ARM sends (Azure.Core's
/// default takes the larger of it and its own exponential delay), else exponential backoff; and a per-call policy
/// that records a give-up in the <see cref="RetryLedger"/>.
/// </summary>
internal static class ArmRetry
{
    private const string TriesProperty = "runner.tries";

    public static void Configure(ClientOptions options, Configuration.ApiLimits limits)
    {
        options.RetryPolicy = new RetryPolicy(limits.Retries, new ServerFirstDelay(limits.RetryDelay));
        options.AddPolicy(new CountTries(), HttpPipelinePosition.PerRetry);
        options.AddPolicy(new RecordGiveUp(), HttpPipelinePosition.PerCall);
    }

    /// <summary>Azure.Core waits max(server delay, this): zero when the service said how long, else exponential.</summary>
    private sealed class ServerFirstDelay(TimeSpan first) : DelayStrategy(RetryPolicies.MaxDelay, jitterFactor: 0)
    {
        protected override TimeSpan GetNextDelayCore(Response? response, int retryNumber) =>
            response is not null && (response.Headers.Contains("Retry-After") || response.Headers.Contains("retry-after-ms") || response.Headers.Contains("x-ms-retry-after-ms"))
                ? TimeSpan.Zero
                : RetryDelays.Backoff(first, retryNumber, RetryPolicies.MaxDelay);
    }

    private sealed class CountTries : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message)
        {
            message.TryGetProperty(TriesProperty, out var tries);
            message.SetProperty(TriesProperty, (tries as int? ?? 0) + 1);
        }
    }

    private sealed class RecordGiveUp : HttpPipelineSynchronousPolicy
    {
        public override void OnReceivedResponse(HttpMessage message)
        {
            if (message.HasResponse && message.Response.Status is 408 or 429 or >= 500 &&
                message.TryGetProperty(TriesProperty, out var tries) && tries is int count && count > 1)
            {
                RetryLedger.Exhausted("Azure Resource Manager", count, message.Response.Status, message.Response.ReasonPhrase);
            }
        }
    }
}
