using System.Net;
using System.Text.Json.Nodes;
using Runner.Clients.PartnerCenter;

namespace Runner.Tests.Sandbox.Conformance;

/// <summary>Partner Center as Runner's PartnerCenterClient (the "SDK" script authors have) uses it, and its JSON.</summary>
public sealed class PartnerCenterConformanceTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    private const string CustomersEndpoint = "GET /v1/customers";

    [Fact]
    public async Task Customers_are_listed_page_by_page_with_the_continuation_token()
    {
        var before = fixture.Host.Counters.GetEndpoint(CustomersEndpoint);

        var customers = new List<PartnerCenterCustomer>();
        await foreach (var customer in fixture.Clients.PartnerCenter().GetCustomersAsync(pageSize: 3))
        {
            customers.Add(customer);
        }

        var seeded = fixture.Host.Customers;
        Assert.Equal(seeded.Select(c => (c.TenantId, c.Domain, c.CompanyName)), customers.Select(c => (c.TenantId, c.Domain, c.CompanyName)));
        Assert.All(customers, c => Assert.Equal("reseller", c.RelationshipToPartner));
        Assert.Equal(4, fixture.Host.Counters.GetEndpoint(CustomersEndpoint) - before);
    }

    [Fact]
    public async Task Customer_list_customer_and_subscriptions_have_the_documented_shapes()
    {
        using var raw = fixture.Clients.RawPartnerCenter();
        var customer = fixture.Host.Customers[0].TenantId;

        var page = JsonNode.Parse(await raw.GetStringAsync("customers?size=3"))!;
        var one = JsonNode.Parse(await raw.GetStringAsync($"customers/{customer}"))!;
        var subscriptions = JsonNode.Parse(await raw.GetStringAsync($"customers/{customer}/subscriptions"))!;

        JsonShape.AssertMatches("PartnerCenter/customer-list.json", page);
        JsonShape.AssertMatches("PartnerCenter/customer-next-link.json", page);
        JsonShape.AssertMatches("PartnerCenter/customer.json", one);
        JsonShape.AssertMatches("PartnerCenter/subscription-list.json", subscriptions);
        Assert.Equal(3, (int)page["totalCount"]!);
        Assert.All(page["items"]!.AsArray(), item => Assert.False(item!.AsObject().ContainsKey("allowDelegatedAccess")));
        Assert.Equal("MS-ContinuationToken", (string)page["links"]!["next"]!["headers"]![0]!["key"]!);
    }

    [Fact]
    public async Task The_filter_parameter_narrows_customers_by_domain_or_company_name()
    {
        using var raw = fixture.Clients.RawPartnerCenter();

        var byDomain = await GetJson(raw, """customers?size=50&filter={"Field":"Domain","Value":"contoso","Operator":"starts_with"}""");
        var byName = await GetJson(raw, """customers?size=50&filter={"Field":"CompanyName","Value":"Wingtip","Operator":"starts_with"}""");
        using var bad = await raw.GetAsync(Escape("""customers?filter={"Field":"Domain","Value":"c","Operator":"contains"}"""));

        Assert.Equal(["contoso.onmicrosoft.com"], byDomain["items"]!.AsArray().Select(i => (string)i!["companyProfile"]!["domain"]!));
        Assert.Equal(["Wingtip Toys"], byName["items"]!.AsArray().Select(i => (string)i!["companyProfile"]!["companyName"]!));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        JsonShape.AssertMatches("PartnerCenter/error.json", JsonNode.Parse(await bad.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Subscriptions_are_the_seeded_licences()
    {
        var customer = fixture.Host.Context.Directory.Customers[1];

        var subscriptions = await fixture.Clients.PartnerCenter(customer.Id.ToString()).GetSubscriptionsAsync();

        Assert.Equal(
            customer.Content.PartnerSubscriptions.Select(s => (s.Id.ToString(), s.Product.Name, s.Quantity, s.Status, s.Etag)),
            subscriptions.Select(s => (s.Id, s.FriendlyName, s.Quantity, s.Status, s.Etag)));
    }

    [Fact]
    public async Task A_quantity_change_needs_the_current_etag_and_a_stale_one_gets_400_code_2055()
    {
        var customer = fixture.Host.Context.Directory.Customers[2];
        var client = fixture.Clients.PartnerCenter(customer.Id.ToString());
        var original = (await client.GetSubscriptionsAsync()).First(s => s.Status == "active");

        var updated = await client.UpdateSubscriptionQuantityAsync(original, original.Quantity + 2);
        var stale = await Assert.ThrowsAsync<PartnerCenterException>(() => client.UpdateSubscriptionQuantityAsync(original, 1));
        var reread = await client.GetSubscriptionAsync(original.Id);

        Assert.Equal(original.Quantity + 2, updated.Quantity);
        Assert.NotEqual(original.Etag, updated.Etag);
        Assert.Equal(400, stale.StatusCode);
        Assert.Equal("2055", stale.Code);
        Assert.True(stale.IsStaleEtag);
        Assert.Equal(original.Quantity + 2, reread.Quantity);
        Assert.Equal(updated.Etag, reread.Etag);
    }

    [Fact]
    public async Task A_quantity_change_without_the_etag_in_the_body_is_refused_even_with_If_Match()
    {
        var customer = fixture.Host.Context.Directory.Customers[3];
        var sub = (await fixture.Clients.PartnerCenter(customer.Id.ToString()).GetSubscriptionsAsync()).First(s => s.Status == "active");
        using var raw = fixture.Clients.RawPartnerCenter();
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"customers/{customer.Id}/subscriptions/{sub.Id}")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { id = sub.Id, quantity = sub.Quantity + 1 }),
        };
        request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue($"\"{sub.Etag}\""));

        using var response = await raw.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("attributes.etag", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Answers_in_PascalCase_are_read_and_written_back_like_camelCase_ones()
    {
        var customer = fixture.Host.Context.Directory.Customers[4];
        var client = fixture.Clients.PartnerCenter(customer.Id.ToString());
        fixture.Host.Faults.PartnerCenterPascalCase = true;
        try
        {
            using var raw = fixture.Clients.RawPartnerCenter();
            var page = JsonNode.Parse(await raw.GetStringAsync($"customers/{customer.Id}/subscriptions"))!;
            var subscriptions = await client.GetSubscriptionsAsync();
            var active = subscriptions.First(s => s.Status == "active");
            var updated = await client.UpdateSubscriptionQuantityAsync(active, active.Quantity + 1);

            Assert.NotNull(page["Items"]);
            Assert.Equal(customer.Content.PartnerSubscriptions.Select(s => (s.Id.ToString(), s.Product.Name, s.Status)), subscriptions.Select(s => (s.Id, s.FriendlyName, s.Status)));
            Assert.All(subscriptions, s => Assert.NotEmpty(s.Etag));
            Assert.Equal(active.Quantity + 1, updated.Quantity);
            Assert.NotEqual(active.Etag, updated.Etag);
        }
        finally
        {
            fixture.Host.Faults.PartnerCenterPascalCase = false;
        }
    }

    [Fact]
    public async Task A_change_accepted_for_later_is_followed_to_its_Location()
    {
        var customer = fixture.Host.Context.Directory.Customers[5];
        var client = fixture.Clients.PartnerCenter(customer.Id.ToString());
        var active = (await client.GetSubscriptionsAsync()).First(s => s.Status == "active");
        fixture.Host.Faults.PartnerCenterAcceptedWrites = true;
        try
        {
            var updated = await client.UpdateSubscriptionQuantityAsync(active, active.Quantity + 1);

            Assert.Equal(active.Quantity + 1, updated.Quantity);
            Assert.Equal(active.Id, updated.Id);
        }
        finally
        {
            fixture.Host.Faults.PartnerCenterAcceptedWrites = false;
        }
    }

    [Fact]
    public async Task A_suspended_subscription_refuses_a_quantity_change()
    {
        var customer = fixture.Host.Context.Directory.Customers[9];
        var client = fixture.Clients.PartnerCenter(customer.Id.ToString());
        var suspended = (await client.GetSubscriptionsAsync()).First(s => s.Status == "suspended");

        var error = await Assert.ThrowsAsync<PartnerCenterException>(() => client.UpdateSubscriptionQuantityAsync(suspended, suspended.Quantity + 1));

        Assert.Equal(400, error.StatusCode);
        Assert.Equal("2001", error.Code);
    }

    [Fact]
    public async Task Unknown_customers_and_subscriptions_are_404_with_Partner_Centers_codes()
    {
        var client = fixture.Clients.PartnerCenter(fixture.Host.Customers[0].TenantId.ToString());

        var customer = await Assert.ThrowsAsync<PartnerCenterException>(() => client.GetCustomerAsync(Guid.NewGuid().ToString()));
        var subscription = await Assert.ThrowsAsync<PartnerCenterException>(() => client.GetSubscriptionAsync(Guid.NewGuid().ToString()));

        Assert.Equal((404, "1000"), (customer.StatusCode, customer.Code));
        Assert.Equal((404, "20003"), (subscription.StatusCode, subscription.Code));
        Assert.NotNull(subscription.RequestId);
    }

    [Fact]
    public async Task MS_RequestId_and_MS_CorrelationId_are_echoed_or_made_up()
    {
        using var raw = fixture.Clients.RawPartnerCenter();
        var requestId = Guid.NewGuid().ToString();
        var correlationId = Guid.NewGuid().ToString();
        using var request = new HttpRequestMessage(HttpMethod.Get, "customers?size=1");
        request.Headers.Add("MS-RequestId", requestId);
        request.Headers.Add("MS-CorrelationId", correlationId);

        using var echoed = await raw.SendAsync(request);
        using var made = await raw.GetAsync("customers?size=1");

        Assert.Equal(requestId, echoed.Headers.GetValues("MS-RequestId").Single());
        Assert.Equal(correlationId, echoed.Headers.GetValues("MS-CorrelationId").Single());
        Assert.True(Guid.TryParse(made.Headers.GetValues("MS-RequestId").Single(), out _));
        Assert.True(Guid.TryParse(made.Headers.GetValues("MS-CorrelationId").Single(), out _));
    }

    [Fact]
    public async Task A_next_page_without_its_continuation_token_is_refused()
    {
        using var raw = fixture.Clients.RawPartnerCenter();

        using var response = await raw.GetAsync("customers?size=3&seekOperation=Next");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("800002", (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["code"]!);
    }

    private static async Task<JsonNode> GetJson(HttpClient client, string relative) =>
        JsonNode.Parse(await client.GetStringAsync(Escape(relative)))!;

    private static string Escape(string relative)
    {
        var q = relative.IndexOf("filter=", StringComparison.Ordinal) + "filter=".Length;
        return relative[..q] + Uri.EscapeDataString(relative[q..]);
    }
}
