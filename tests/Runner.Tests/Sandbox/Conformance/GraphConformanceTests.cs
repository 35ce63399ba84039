using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Runner.Sandbox.Data;

namespace Runner.Tests.Sandbox.Conformance;

/// <summary>Microsoft Graph v1.0 as GraphServiceClient uses it (request builders, PageIterator), and its JSON.</summary>
public sealed class GraphConformanceTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public async Task Users_come_with_the_default_properties_only()
    {
        var customer = Customer();
        using var raw = fixture.Clients.RawGraph(customer.Id);

        var users = await Graph(customer).Users.GetAsync();
        var json = JsonNode.Parse(await raw.GetStringAsync("users"));

        Assert.Equal(customer.Content.Users.Select(u => u.Id.ToString()), users!.Value!.Select(u => u.Id));
        Assert.All(users.Value!, u => Assert.Null(u.AccountEnabled));
        JsonShape.AssertMatches("Graph/user-list-default.json", json);
    }

    [Fact]
    public async Task PageIterator_follows_absolute_nextLinks_through_every_page()
    {
        var customer = Customer();
        var graph = Graph(customer);
        var before = fixture.Host.Counters.GetEndpoint("GET /v1.0/users");

        var first = await graph.Users.GetAsync(r =>
        {
            r.QueryParameters.Top = 5;
            r.QueryParameters.Select = ["id", "displayName"];
        });
        var ids = new List<string>();
        await PageIterator<User, UserCollectionResponse>.CreatePageIterator(graph, first!, u =>
        {
            ids.Add(u.Id!);
            return true;
        }).IterateAsync();

        Assert.StartsWith(fixture.Host.BaseUri.AbsoluteUri, first!.OdataNextLink);
        Assert.Equal(customer.Content.Users.Select(u => u.Id.ToString()), ids);
        Assert.Equal((customer.Content.Users.Count + 4) / 5, fixture.Host.Counters.GetEndpoint("GET /v1.0/users") - before);
    }

    [Theory]
    [InlineData("accountEnabled eq false")]
    [InlineData("startswith(displayName,'A')")]
    [InlineData("userType eq 'Member' and accountEnabled eq true")]
    [InlineData("jobTitle in ('Designer', 'Developer')")]
    public async Task Filters_select_the_users_they_name(string filter)
    {
        var customer = Customer();
        var expected = customer.Content.Users.Where(filter switch
        {
            "accountEnabled eq false" => u => !u.AccountEnabled,
            "startswith(displayName,'A')" => u => u.DisplayName.StartsWith('A'),
            "userType eq 'Member' and accountEnabled eq true" => u => u.UserType == "Member" && u.AccountEnabled,
            _ => (Func<SandboxUser, bool>)(u => u.JobTitle is "Designer" or "Developer"),
        }).Select(u => u.Id.ToString()).ToList();

        var users = await Graph(customer).Users.GetAsync(r =>
        {
            r.QueryParameters.Filter = filter;
            r.QueryParameters.Select = ["id", "accountEnabled", "displayName"];
            r.QueryParameters.Top = 999;
        });

        Assert.Contains(customer.Content.Users, u => !expected.Contains(u.Id.ToString()));
        Assert.Equal(expected, users!.Value!.Select(u => u.Id));
    }

    [Fact]
    public async Task A_user_is_found_by_userPrincipalName_and_by_assigned_licence()
    {
        var customer = Customer();
        var someone = customer.Content.Users.First(u => u.AssignedSkuIds.Count > 0);
        var sku = someone.AssignedSkuIds[0];
        using var raw = fixture.Clients.RawGraph(customer.Id);

        var byUpn = await Graph(customer).Users.GetAsync(r => r.QueryParameters.Filter = $"userPrincipalName eq '{someone.UserPrincipalName}'");
        var licensed = await Graph(customer).Users.GetAsync(r =>
        {
            r.QueryParameters.Filter = $"assignedLicenses/any(s:s/skuId eq {sku})";
            r.QueryParameters.Select = ["id", "mail", "assignedLicenses"];
        });

        Assert.Equal(someone.Id.ToString(), Assert.Single(byUpn!.Value!).Id);
        Assert.Equal(customer.Content.Users.Where(u => u.AssignedSkuIds.Contains(sku)).Select(u => u.Id.ToString()), licensed!.Value!.Select(u => u.Id));
        Assert.All(licensed.Value!, u => Assert.Contains(u.AssignedLicenses!, l => l.SkuId == sku));
        JsonShape.AssertMatches("Graph/user-licenses.json", JsonNode.Parse(await raw.GetStringAsync($"users?$select=id,mail,assignedLicenses&$filter=assignedLicenses/any(s:s/skuId eq {sku})")));
    }

    [Fact]
    public async Task Users_inactive_for_90_days_are_found_by_their_last_sign_in()
    {
        var customer = Customer(c => DirectorySeeder.HasPremium(c.Content));
        var cutoff = fixture.Host.Clock.GetUtcNow().AddDays(-90);
        var filter = $"signInActivity/lastSignInDateTime le {cutoff.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}";
        using var raw = fixture.Clients.RawGraph(customer.Id);

        var inactive = await Graph(customer).Users.GetAsync(r =>
        {
            r.QueryParameters.Filter = filter;
            r.QueryParameters.Select = ["displayName", "userPrincipalName", "signInActivity"];
        });
        var mixed = await Assert.ThrowsAsync<ODataError>(() => Graph(customer).Users.GetAsync(r => r.QueryParameters.Filter = filter + " and accountEnabled eq true"));

        var expected = customer.Content.Users.Where(u => u.LastSignInDateTime <= cutoff).Select(u => u.Id.ToString()).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, inactive!.Value!.Select(u => u.Id));
        Assert.All(inactive.Value!, u => Assert.True(u.SignInActivity!.LastSignInDateTime <= cutoff));
        Assert.Equal((400, "Request_UnsupportedQuery"), (mixed.ResponseStatusCode, mixed.Error!.Code));
        JsonShape.AssertMatches("Graph/user-list-signin.json", JsonNode.Parse(await raw.GetStringAsync($"users?$select=displayName,userPrincipalName,signInActivity&$filter={Uri.EscapeDataString(filter)}")));
    }

    [Fact]
    public async Task Advanced_queries_need_ConsistencyLevel_eventual_and_count()
    {
        var customer = Customer();
        var graph = Graph(customer);
        var domain = customer.Domain;
        using var raw = fixture.Clients.RawGraph(customer.Id);

        var refused = await Assert.ThrowsAsync<ODataError>(() => graph.Users.GetAsync(r => r.QueryParameters.Filter = $"endswith(mail,'{domain}')"));
        var counted = await graph.Users.GetAsync(r =>
        {
            r.QueryParameters.Filter = $"endswith(mail,'{domain}') and accountEnabled ne false";
            r.QueryParameters.Count = true;
            r.QueryParameters.Orderby = ["displayName"];
            r.Headers.Add("ConsistencyLevel", "eventual");
        });
        var total = await graph.Users.Count.GetAsync(r => r.Headers.Add("ConsistencyLevel", "eventual"));
        var rawCountRefused = await Assert.ThrowsAsync<ODataError>(() => graph.Users.Count.GetAsync());
        using var request = new HttpRequestMessage(HttpMethod.Get, "users?$count=true&$select=displayName,userPrincipalName");
        request.Headers.Add("ConsistencyLevel", "eventual");
        using var countResponse = await raw.SendAsync(request);

        Assert.Equal((400, "Request_UnsupportedQuery"), (refused.ResponseStatusCode, refused.Error!.Code));
        Assert.Contains("ConsistencyLevel", refused.Error.Message);
        // Guests' mail is their home address, so only members' mail ends with the tenant's domain.
        var enabled = customer.Content.Users.Where(u => u.AccountEnabled && (u.Mail ?? u.UserPrincipalName).EndsWith(domain, StringComparison.OrdinalIgnoreCase)).OrderBy(u => u.DisplayName, StringComparer.OrdinalIgnoreCase).ToList();
        Assert.Equal(enabled.Count, counted!.OdataCount);
        Assert.Equal(enabled.Select(u => u.Id.ToString()), counted.Value!.Select(u => u.Id));
        Assert.Equal(customer.Content.Users.Count, total);
        Assert.Equal(400, rawCountRefused.ResponseStatusCode);
        JsonShape.AssertMatches("Graph/user-list-count.json", JsonNode.Parse(await countResponse.Content.ReadAsStringAsync()));
    }

    [Theory]
    [InlineData("$select=displayName,favouriteColour", "BadRequest", "Could not find a property named 'favouriteColour'")]
    [InlineData("$filter=accountEnabled eq", "BadRequest", "Invalid filter clause")]
    [InlineData("$filter=accountEnabled eq 'true'", "BadRequest", "incompatible types")]
    [InlineData("$filter=officeLocation eq 'Remote'", "Request_UnsupportedQuery", "property 'officeLocation'")]
    [InlineData("$filter=createdDateTime gt 2024-01-01T00:00:00Z", "Request_UnsupportedQuery", "GreaterThan")]
    [InlineData("$filter=accountEnabled ne true", "Request_UnsupportedQuery", "ConsistencyLevel")]
    [InlineData("$filter=startswith(displayName,'A')&$orderby=displayName", "Request_UnsupportedQuery", "Sorting")]
    [InlineData("$top=1000", "Request_BadRequest", "Invalid page size")]
    [InlineData("$search=\"displayName:ada\"", "Request_UnsupportedQuery", "ConsistencyLevel")]
    public async Task A_bad_query_gets_Graphs_OData_error(string query, string code, string message)
    {
        var customer = Customer();
        using var raw = fixture.Clients.RawGraph(customer.Id);

        using var response = await raw.GetAsync("users?" + query);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonShape.AssertMatches("Graph/error.json", body);
        Assert.Equal(code, (string)body!["error"]!["code"]!);
        Assert.Contains(message, (string)body["error"]!["message"]!);
    }

    [Fact]
    public async Task A_user_is_read_by_id_or_userPrincipalName_and_an_unknown_one_is_404()
    {
        var customer = Customer();
        var someone = customer.Content.Users[3];
        using var raw = fixture.Clients.RawGraph(customer.Id);

        var byId = await Graph(customer).Users[someone.Id.ToString()].GetAsync(r => r.QueryParameters.Select = ["accountEnabled", "createdDateTime"]);
        var byUpn = await Graph(customer).Users[someone.UserPrincipalName].GetAsync();
        var missing = await Assert.ThrowsAsync<ODataError>(() => Graph(customer).Users[Guid.NewGuid().ToString()].GetAsync());

        Assert.Equal(someone.AccountEnabled, byId!.AccountEnabled);
        Assert.Equal(someone.Id.ToString(), byId.Id);
        Assert.Equal(someone.DisplayName, byUpn!.DisplayName);
        Assert.Equal((404, "Request_ResourceNotFound"), (missing.ResponseStatusCode, missing.Error!.Code));
        JsonShape.AssertMatches("Graph/user.json", JsonNode.Parse(await raw.GetStringAsync($"users/{someone.Id}")));
    }

    [Fact]
    public async Task Organization_domains_and_subscribed_skus_describe_the_tenant()
    {
        var customer = Customer();
        var graph = Graph(customer);
        using var raw = fixture.Clients.RawGraph(customer.Id);

        var organization = Assert.Single((await graph.Organization.GetAsync())!.Value!);
        var domains = (await graph.Domains.GetAsync())!.Value!;
        var skus = (await graph.SubscribedSkus.GetAsync())!.Value!;

        Assert.Equal((customer.Id.ToString(), customer.DisplayName), (organization.Id, organization.DisplayName));
        Assert.Equal(customer.Content.VerifiedDomains, domains.Select(d => d.Id));
        Assert.True(Assert.Single(domains, d => d.IsInitial == true).Id == customer.Domain);
        foreach (var subscription in customer.Content.PartnerSubscriptions)
        {
            var sku = Assert.Single(skus, s => s.SkuId == subscription.Product.SkuId);
            Assert.Equal(subscription.Product.SkuPartNumber, sku.SkuPartNumber);
            Assert.Equal(subscription.Quantity, sku.PrepaidUnits!.Enabled);
            Assert.Equal(customer.Content.Users.Count(u => u.AssignedSkuIds.Contains(subscription.Product.SkuId)), sku.ConsumedUnits);
        }

        JsonShape.AssertMatches("Graph/organization-list.json", JsonNode.Parse(await raw.GetStringAsync("organization")));
        JsonShape.AssertMatches("Graph/domain-list.json", JsonNode.Parse(await raw.GetStringAsync("domains")));
        JsonShape.AssertMatches("Graph/subscribedsku-list.json", JsonNode.Parse(await raw.GetStringAsync("subscribedSkus")));
    }

    [Fact]
    public async Task The_partner_reads_its_GDAP_relationships_with_status_and_end_dates_page_by_page()
    {
        var graph = fixture.Clients.Graph(fixture.Host.PartnerTenantId);
        using var raw = fixture.Clients.RawGraph(fixture.Host.PartnerTenantId);

        var first = await graph.TenantRelationships.DelegatedAdminRelationships.GetAsync(r => r.QueryParameters.Top = 3);
        var all = new List<DelegatedAdminRelationship>();
        await PageIterator<DelegatedAdminRelationship, DelegatedAdminRelationshipCollectionResponse>.CreatePageIterator(graph, first!, r =>
        {
            all.Add(r);
            return true;
        }).IterateAsync();
        var active = await graph.TenantRelationships.DelegatedAdminRelationships.GetAsync(r => r.QueryParameters.Filter = "status eq 'active'");
        var fromCustomer = await Assert.ThrowsAsync<ODataError>(() => Graph(Customer()).TenantRelationships.DelegatedAdminRelationships.GetAsync());

        var seeded = fixture.Host.Relationships;
        Assert.Equal(seeded.Select(r => (r.Id, r.CustomerTenantId.ToString(), r.Status.ToLowerInvariant(), r.EndDateTime)), all.Select(r => (r.Id!, r.Customer!.TenantId!, r.Status.ToString()!.ToLowerInvariant(), r.EndDateTime)));
        Assert.NotEmpty(active!.Value!);
        Assert.Equal(seeded.Count(r => r.Status == "active"), active!.Value!.Count);
        Assert.Equal(403, fromCustomer.ResponseStatusCode);
        JsonShape.AssertMatches("Graph/delegatedadminrelationship-list.json", JsonNode.Parse(await raw.GetStringAsync("tenantRelationships/delegatedAdminRelationships")));
    }

    private SandboxTenant Customer(Func<SandboxTenant, bool>? also = null) =>
        fixture.Host.Context.Directory.Customers.First(c => fixture.Host.Context.Directory.HasActiveRelationship(c, fixture.Host.Clock.GetUtcNow()) && c.Content.Users.Count > 12 && (also is null || also(c)));

    private GraphServiceClient Graph(SandboxTenant customer) => fixture.Clients.Graph(customer.Id);
}
