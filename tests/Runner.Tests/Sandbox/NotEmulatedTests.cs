using Runner.Tests.Infrastructure;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Graph.Models.ODataErrors;

namespace Runner.Tests.Sandbox;

/// <summary>A request the sandbox does not emulate is answered 501 in that API's own error envelope, naming method and path.</summary>
public sealed class NotEmulatedTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public async Task Graph_names_the_request_it_does_not_emulate_in_Graphs_error_envelope()
    {
        var customer = fixture.Host.Customers.First(c => c.GdapStatus == "active").TenantId;

        var error = await Assert.ThrowsAsync<ODataError>(() => fixture.Clients.Graph(customer).Sites.GetAsync());
        using var raw = fixture.Clients.RawGraph(customer);
        using var post = await raw.PutAsync($"users/{fixture.Host.Context.Directory.FindTenant(customer)!.Content.Users[1].Id}", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        var postBody = JsonNode.Parse(await post.Content.ReadAsStringAsync())!;

        Assert.Equal(501, error.ResponseStatusCode);
        Assert.Equal("NotImplemented", error.Error!.Code);
        Assert.Contains("does not emulate GET /v1.0/sites", error.Error.Message);
        // A method the path has no endpoint for gets the same answer, not an anonymous 405.
        Assert.Equal(HttpStatusCode.NotImplemented, post.StatusCode);
        Assert.Contains("does not emulate PUT /v1.0/users/", (string)postBody["error"]!["message"]!);
        Assert.NotNull(postBody["error"]!["innerError"]!["request-id"]);
    }

    [Fact]
    public async Task Resource_manager_answers_an_unknown_operation_in_ARMs_error_envelope()
    {
        var customer = fixture.Host.Context.Directory.Customers.First(c => c.Content.AzureSubscriptions.Count > 0 && fixture.Host.Context.Directory.HasActiveRelationship(c, fixture.Host.Clock.GetUtcNow()) && fixture.Host.IsWritable(c));
        var subscription = customer.Content.AzureSubscriptions[0].SubscriptionId;
        using var raw = fixture.Clients.RawArm(customer.Id);

        using var response = await raw.GetAsync($"subscriptions/{subscription}/providers/Microsoft.Security/pricings?api-version=2024-01-01");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
        Assert.Equal("NotImplemented", (string)body["error"]!["code"]!);
        Assert.Contains($"does not emulate GET /subscriptions/{subscription}/providers/Microsoft.Security/pricings", (string)body["error"]!["message"]!);
    }

    [Fact]
    public async Task Partner_Center_answers_an_unknown_operation_in_its_own_error_shape()
    {
        var customer = fixture.Host.Customers[0].TenantId;
        using var raw = fixture.Clients.RawPartnerCenter();

        using var response = await raw.GetAsync($"customers/{customer}/servicecosts/mostrecent/lineitems");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
        Assert.Equal("501", (string)body["code"]!);
        Assert.Contains($"does not emulate GET /v1/customers/{customer}/servicecosts/mostrecent/lineitems", (string)body["description"]!);
    }
}
