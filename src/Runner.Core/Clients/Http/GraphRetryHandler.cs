using System.Globalization;
using System.Net;

namespace Runner.Clients.Http;

/// <summary>
/// Graph's retries, in place of Kiota's RetryHandler: 429, 503 and 504 (and connection failures), waiting exactly the
/// Retry-After Graph sends (Kiota adds its own exponential delay on top, so a 1 s Retry-After cost 9–35 s), else
/// exponential backoff; each retry carries Retry-Attempt as Kiota's does. Giving up is recorded in the
/// <see cref="RetryLedger"/>.
/// </summary>
internal sealed class GraphRetryHandler(int maxRetries, TimeSpan firstDelay, TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is not null)
        {
            // The same request is sent again on a retry: its body must be readable more than once.
            await request.Content.LoadIntoBufferAsync(cancellationToken);
        }

        for (var attempt = 1; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException) when (attempt <= maxRetries && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(RetryDelays.Backoff(firstDelay, attempt, RetryPolicies.MaxDelay), time, cancellationToken);
                continue;
            }

            if (!IsRetryable(response.StatusCode))
            {
                return response;
            }

            var retryAfter = RetryDelays.FromRetryAfter(response.Headers.RetryAfter, time.GetUtcNow());
            if (attempt > maxRetries || retryAfter > RetryDelays.MaxRetryAfter)
            {
                RetryLedger.Exhausted("Graph", attempt, (int)response.StatusCode, response.ReasonPhrase);
                return response;
            }

            response.Dispose();
            await Task.Delay(retryAfter ?? RetryDelays.Backoff(firstDelay, attempt, RetryPolicies.MaxDelay), time, cancellationToken);
            request.Headers.Remove("Retry-Attempt");
            request.Headers.TryAddWithoutValidation("Retry-Attempt", attempt.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static bool IsRetryable(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;
}
