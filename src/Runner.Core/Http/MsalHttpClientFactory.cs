using Microsoft.Identity.Client;

namespace Runner.Http;

/// <summary>Gives MSAL the shared handler, so it trusts the same CA and pools the same connections as the APIs.</summary>
internal sealed class MsalHttpClientFactory(CloudHttp http) : IMsalHttpClientFactory
{
    private readonly HttpClient _client = http.CreateClient(TimeSpan.FromSeconds(60));

    public HttpClient GetHttpClient() => _client;
}
