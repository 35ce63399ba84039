using Microsoft.Identity.Client;

namespace Runner.Http;

/// <summary>
/// Gives MSAL the shared handler, so it trusts the same CA and pools the same connections as the APIs; its calls to
/// the token endpoint are traced and counted like every other call (never with their bodies, which hold the tokens).
/// </summary>
internal sealed class MsalHttpClientFactory(CloudHttp http) : IMsalHttpClientFactory
{
    private readonly HttpClient _client = new(new TokenCalls { InnerHandler = new Clients.Http.FailedCallRecorder { InnerHandler = new Clients.Http.NonDisposingHandler(http.Handler) } })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    public HttpClient GetHttpClient() => _client;

    private sealed class TokenCalls : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.RequestUri?.AbsolutePath.EndsWith("/token", StringComparison.Ordinal) == true)
            {
                Telemetry.RunnerTelemetry.TokenRequests.Add(1, new KeyValuePair<string, object?>("status", (int)response.StatusCode));
            }

            return response;
        }
    }
}
