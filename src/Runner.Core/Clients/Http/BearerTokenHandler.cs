using System.Net.Http.Headers;

namespace Runner.Clients.Http;

/// <summary>Puts a bearer token from the broker on every attempt, so a retry after expiry gets a fresh one.</summary>
internal sealed class BearerTokenHandler(Func<CancellationToken, ValueTask<string>> token) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await token(cancellationToken));
        return await base.SendAsync(request, cancellationToken);
    }
}
