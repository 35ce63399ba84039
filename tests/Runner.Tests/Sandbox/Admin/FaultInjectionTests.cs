using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Runner.Sandbox.Data;
using Runner.Tests.Sandbox.Conformance;

namespace Runner.Tests.Sandbox.Admin;

/// <summary>
/// Every fault kind, set at run time through /_sandbox/faults, with the body and headers each API really sends.
/// Timing is only ever checked from below (a delay of at least the injected latency), never from above.
/// </summary>
public sealed class FaultInjectionTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>, IAsyncLifetime
{
    private readonly SandboxAdminClient _admin = new(fixture.Host);

    public Task InitializeAsync() => _admin.ClearFaultsAsync();

    public async Task DisposeAsync()
    {
        await _admin.ClearFaultsAsync();
        _admin.Dispose();
    }

    [Fact]
    public async Task Latency_is_added_to_the_api_it_is_set_for()
    {
        var customer = ActiveCustomer(0);
        var token = await _admin.AccessTokenAsync(fixture.Host, customer.Id.ToString(), "https://graph.microsoft.com/.default");

        var faults = await _admin.PostJsonAsync("faults", """{ "latencyMs": { "graph": 400 } }""");
        var clock = Stopwatch.StartNew();
        using var response = await Send(HttpMethod.Get, "v1.0/organization", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(clock.ElapsedMilliseconds >= 390, $"took {clock.ElapsedMilliseconds} ms");
        Assert.Equal(400, (double)faults["apis"]!["graph"]!["latencyMs"]!);
        Assert.Null(faults["apis"]!["arm"]);
    }

    [Fact]
    public async Task Throttling_answers_429_with_Retry_After_and_each_apis_own_body()
    {
        var customer = ActiveCustomer(0);
        var pcToken = await _admin.AccessTokenAsync(fixture.Host, fixture.Host.PartnerTenantId.ToString(), "https://api.partnercenter.microsoft.com/.default");
        var graphToken = await _admin.AccessTokenAsync(fixture.Host, customer.Id.ToString(), "https://graph.microsoft.com/.default");
        var armToken = await _admin.AccessTokenAsync(fixture.Host, customer.Id.ToString(), "https://management.azure.com/.default");

        await _admin.PostJsonAsync("faults", """{ "throttleRate": { "partnerCenter": 1, "graph": 1, "arm": 1 }, "retryAfterSeconds": { "partnerCenter": 7, "graph": 3, "arm": 2 } }""");
        using var partnerCenter = await Send(HttpMethod.Get, "v1/customers", pcToken);
        using var graph = await Send(HttpMethod.Get, "v1.0/users", graphToken);
        using var arm = await Send(HttpMethod.Get, "subscriptions?api-version=2022-12-01", armToken);

        Assert.All(new[] { partnerCenter, graph, arm }, r => Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode));
        Assert.Equal([7, 3, 2], new[] { partnerCenter, graph, arm }.Select(r => (int)r.Headers.RetryAfter!.Delta!.Value.TotalSeconds));
        var pcBody = JsonNode.Parse(await partnerCenter.Content.ReadAsStringAsync());
        JsonShape.AssertMatches("PartnerCenter/throttled.json", pcBody);
        Assert.Equal("Rate limit is exceeded. Try again in 7 seconds.", (string)pcBody!["message"]!);
        Assert.Equal("TooManyRequests", (string)JsonNode.Parse(await graph.Content.ReadAsStringAsync())!["error"]!["code"]!);
        JsonShape.AssertMatches("ResourceManager/error.json", JsonNode.Parse(await arm.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task PartnerCenterClient_and_GraphServiceClient_retry_a_throttled_call_until_it_goes_through()
    {
        var customer = ActiveCustomer(1);
        var graph = fixture.Clients.Graph(customer.Id);
        await graph.Organization.GetAsync();
        await fixture.Clients.PartnerCenter().GetCustomerAsync(customer.Id.ToString());
        var pcBefore = fixture.Host.Counters.Get("partnerCenter");
        var graphBefore = fixture.Host.Counters.Get("graph", customer.Domain);

        await _admin.PostJsonAsync("faults", """{ "throttleRate": { "partnerCenter": 1, "graph": 1 }, "retryAfterSeconds": { "partnerCenter": 1, "graph": 1 } }""");
        var pcCall = fixture.Clients.PartnerCenter().GetCustomerAsync(customer.Id.ToString());
        var graphCall = graph.Organization.GetAsync();
        await WaitUntil(() => fixture.Host.Counters.Get("partnerCenter") - pcBefore >= 2 && fixture.Host.Counters.Get("graph", customer.Domain) - graphBefore >= 2);
        await _admin.ClearFaultsAsync();

        Assert.Equal(customer.Id, (await pcCall).TenantId);
        Assert.Equal(customer.Id.ToString(), Assert.Single((await graphCall)!.Value!).Id);
        Assert.True(fixture.Host.Counters.Get("partnerCenter") - pcBefore >= 3);
        Assert.True(fixture.Host.Counters.Get("graph", customer.Id.ToString()) - graphBefore >= 3);
    }

    [Fact]
    public async Task An_error_rate_answers_503_on_that_api_only()
    {
        var customer = ActiveCustomer(0);
        var armToken = await _admin.AccessTokenAsync(fixture.Host, customer.Id.ToString(), "https://management.azure.com/.default");
        var graphToken = await _admin.AccessTokenAsync(fixture.Host, customer.Id.ToString(), "https://graph.microsoft.com/.default");

        await _admin.PostJsonAsync("faults", """{ "errorRate": { "arm": 1 } }""");
        using var arm = await Send(HttpMethod.Get, "subscriptions?api-version=2022-12-01", armToken);
        using var graph = await Send(HttpMethod.Get, "v1.0/organization", graphToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, arm.StatusCode);
        JsonShape.AssertMatches("ResourceManager/error.json", JsonNode.Parse(await arm.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.OK, graph.StatusCode);
    }

    [Fact]
    public async Task A_failing_tenant_fails_its_tokens_and_api_calls_and_no_one_elses()
    {
        var failing = ActiveCustomer(2);
        var other = ActiveCustomer(3);
        var token = await _admin.AccessTokenAsync(fixture.Host, failing.Id.ToString(), "https://graph.microsoft.com/.default");
        var consent = await _admin.PostJsonAsync("consent", "{}");

        await _admin.PostJsonAsync("faults", $$"""{ "failingTenants": ["{{failing.Domain}}"] }""");
        using var api = await Send(HttpMethod.Get, "v1.0/users", token);
        using var byId = await _admin.RedeemAsync(fixture.Host, failing.Id.ToString(), (string)consent["refresh_token"]!, "https://graph.microsoft.com/.default");
        using var otherTenant = await _admin.RedeemAsync(fixture.Host, other.Domain, (string)consent["refresh_token"]!, "https://graph.microsoft.com/.default");

        Assert.Equal(HttpStatusCode.InternalServerError, api.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, byId.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherTenant.StatusCode);
    }

    [Fact]
    public async Task A_slow_tenant_answers_late()
    {
        var slow = ActiveCustomer(4);
        var token = await _admin.AccessTokenAsync(fixture.Host, slow.Id.ToString(), "https://graph.microsoft.com/.default");

        var faults = await _admin.PostJsonAsync("faults", $$"""{ "slowTenantsMs": { "{{slow.Id}}": 500 } }""");
        var clock = Stopwatch.StartNew();
        using var response = await Send(HttpMethod.Get, "v1.0/organization", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(clock.ElapsedMilliseconds >= 490, $"took {clock.ElapsedMilliseconds} ms");
        Assert.Equal(500, (double)faults["slowTenantsMs"]![slow.Id.ToString()]!);
    }

    [Fact]
    public async Task A_token_outage_answers_503_to_every_token_request_until_it_is_lifted()
    {
        var consent = await _admin.PostJsonAsync("consent", "{}");
        var tenant = ActiveCustomer(0).Id.ToString();

        await _admin.PostJsonAsync("faults", """{ "tokenOutage": true }""");
        using var during = await _admin.RedeemAsync(fixture.Host, tenant, (string)consent["refresh_token"]!, "https://graph.microsoft.com/.default");
        await _admin.PostJsonAsync("faults", """{ "tokenOutage": false }""");
        using var after = await _admin.RedeemAsync(fixture.Host, tenant, (string)consent["refresh_token"]!, "https://graph.microsoft.com/.default");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.Equal("temporarily_unavailable", (string)JsonNode.Parse(await during.Content.ReadAsStringAsync())!["error"]!);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task A_bad_fault_body_is_refused_and_changes_nothing()
    {
        await _admin.PostJsonAsync("faults", """{ "latencyMs": { "arm": 5 } }""");

        using var unknownApi = await _admin.PostAsync("faults", """{ "latencyMs": { "arm": 50 }, "throttleRate": { "graf": 0.5 } }""");
        using var outOfRange = await _admin.PostAsync("faults", """{ "errorRate": { "arm": 2 } }""");
        using var unknownKey = await _admin.PostAsync("faults", """{ "slowTenants": { "x": 1 } }""");
        var faults = await _admin.GetAsync("faults");

        Assert.All(new[] { unknownApi, outOfRange, unknownKey }, r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.Contains("graf", await unknownApi.Content.ReadAsStringAsync());
        Assert.Contains("slowTenantsMs", await unknownKey.Content.ReadAsStringAsync());
        Assert.Equal(5, (double)faults["apis"]!["arm"]!["latencyMs"]!);
        Assert.Equal(0, (double)faults["apis"]!["arm"]!["errorRate"]!);
    }

    [Fact]
    public async Task Counters_are_kept_per_api_per_tenant_and_per_endpoint()
    {
        var customer = ActiveCustomer(5);
        await _admin.PostJsonAsync("counters/reset", "{}");

        await fixture.Clients.Graph(customer.Id).Users.GetAsync();
        await fixture.Clients.Graph(customer.Id).Users.GetAsync();
        var counters = await _admin.GetAsync("counters");

        Assert.True((long)counters["apis"]!["graph"]! >= 2);
        Assert.Equal(2, (long)counters["tenants"]![customer.Id.ToString()]!["graph"]!);
        Assert.Equal(customer.Domain, (string)counters["tenants"]![customer.Id.ToString()]!["domain"]!);
        Assert.Equal(2, (long)counters["endpoints"]!["GET /v1.0/users"]!);
        Assert.Equal(2, fixture.Host.Counters.Get("graph", customer.Domain));
    }

    private SandboxTenant ActiveCustomer(int n) =>
        fixture.Host.Context.Directory.Customers.Where(c => fixture.Host.Context.Directory.HasActiveRelationship(c, fixture.Host.Clock.GetUtcNow())).ElementAt(n);

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, string token)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _admin.Client.SendAsync(request);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition was not met within 30 seconds");
            await Task.Delay(50);
        }
    }
}
