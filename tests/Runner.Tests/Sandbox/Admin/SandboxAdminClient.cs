using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Runner.Http;
using Runner.Sandbox;

namespace Runner.Tests.Sandbox.Admin;

/// <summary>Talks to a sandbox's /_sandbox admin endpoints and token endpoint over HTTPS, as curl in the docs does.</summary>
internal sealed class SandboxAdminClient : IDisposable
{
    private readonly CloudHttp _http;

    public SandboxAdminClient(SandboxHost host)
    {
        _http = CloudHttp.Create(host.CaCertificatePath);
        Client = _http.CreateClient();
        Client.BaseAddress = host.BaseUri;
    }

    public HttpClient Client { get; }

    public async Task<JsonNode> GetAsync(string path) => JsonNode.Parse(await Client.GetStringAsync($"_sandbox/{path}"))!;

    public async Task<HttpResponseMessage> PostAsync(string path, string json) =>
        await Client.PostAsync($"_sandbox/{path}", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    public async Task<JsonNode> PostJsonAsync(string path, string json)
    {
        using var response = await PostAsync(path, json);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST /_sandbox/{path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    public Task ClearFaultsAsync() => PostJsonAsync("faults", """{ "clear": true }""");

    /// <summary>A refresh-token grant at the token endpoint of <paramref name="tenant"/>, with the app's secret.</summary>
    public async Task<HttpResponseMessage> RedeemAsync(SandboxHost host, string tenant, string refreshToken, string scope) =>
        await Client.PostAsync($"{tenant}/oauth2/v2.0/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = host.ClientId.ToString(),
            ["client_secret"] = host.ClientSecret,
            ["refresh_token"] = refreshToken,
            ["scope"] = scope,
        }));

    /// <summary>An access token for <paramref name="tenant"/> straight from the token endpoint (no cache).</summary>
    public async Task<string> AccessTokenAsync(SandboxHost host, string tenant, string scope)
    {
        var consent = await PostJsonAsync("consent", "{}");
        using var response = await RedeemAsync(host, tenant, (string)consent["refresh_token"]!, scope);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(response.IsSuccessStatusCode, body?.ToJsonString());
        return (string)body!["access_token"]!;
    }

    public void Dispose()
    {
        Client.Dispose();
        _http.Dispose();
    }
}
