using System.Net;

namespace Runner.Clients.Http;

/// <summary>Counts the sends of one Partner Center request inside the retry pipeline (<see cref="Count"/>) and,
/// outside it, records a give-up in the <see cref="RetryLedger"/> (<see cref="Verdict"/>).</summary>
internal static class PartnerCenterTries
{
    private static readonly HttpRequestOptionsKey<int> Tries = new("runner.tries");

    internal sealed class Count : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Options.TryGetValue(Tries, out var tries);
            request.Options.Set(Tries, tries + 1);
            return base.SendAsync(request, cancellationToken);
        }
    }

    internal sealed class Verdict : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout or >= HttpStatusCode.InternalServerError &&
                request.Options.TryGetValue(Tries, out var tries) && tries > 1)
            {
                RetryLedger.Exhausted("Partner Center", tries, (int)response.StatusCode, response.ReasonPhrase);
            }

            return response;
        }
    }
}
