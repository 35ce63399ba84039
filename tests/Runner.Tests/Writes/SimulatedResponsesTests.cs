using System.Text.Json.Nodes;
using Runner.Writes;

namespace Runner.Tests.Writes;

public sealed class SimulatedResponsesTests
{
    private static readonly Uri Graph = new("https://graph.microsoft.com/v1.0/");

    [Theory]
    [InlineData("PATCH", "users/1", 204)]
    [InlineData("DELETE", "users/1", 204)]
    [InlineData("POST", "groups/g/members/$ref", 204)]
    [InlineData("DELETE", "groups/g/members/u/$ref", 204)]
    [InlineData("POST", "users/1/revokeSignInSessions", 200)]
    [InlineData("POST", "users/1/sendMail", 202)]
    [InlineData("POST", "users", 201)]
    public void Graph_writes_get_the_status_its_documentation_gives(string method, string path, int status) =>
        Assert.Equal(status, SimulatedResponses.For("graph", method, new Uri(Graph, path), null).Status);

    [Fact]
    public void A_created_graph_object_echoes_the_request_with_a_new_id_and_never_its_password()
    {
        var (_, body) = SimulatedResponses.For("graph", "POST", new Uri(Graph, "users"),
            JsonNode.Parse("""{"displayName":"Ada","passwordProfile":{"password":"x"}}"""));

        Assert.Equal("Ada", body!["displayName"]!.GetValue<string>());
        Assert.True(Guid.TryParse(body["id"]!.GetValue<string>(), out _));
        Assert.Null(body["passwordProfile"]);
    }

    [Fact]
    public void An_arm_put_completes_at_once_with_the_resource_its_id_and_provisioning_state()
    {
        var uri = new Uri("https://management.azure.com/subscriptions/s/resourcegroups/rg?api-version=2022-09-01");

        var (status, body) = SimulatedResponses.For("arm", "PUT", uri, JsonNode.Parse("""{"location":"westeurope"}"""));

        Assert.Equal(200, status);
        Assert.Equal("/subscriptions/s/resourcegroups/rg", body!["id"]!.GetValue<string>());
        Assert.Equal("rg", body["name"]!.GetValue<string>());
        Assert.Equal("westeurope", body["location"]!.GetValue<string>());
        Assert.Equal("Succeeded", body["properties"]!["provisioningState"]!.GetValue<string>());
    }

    [Fact]
    public void An_arm_delete_is_200_which_every_arm_operation_accepts_as_done()
    {
        var (status, body) = SimulatedResponses.For("arm", "DELETE", new Uri("https://management.azure.com/subscriptions/s/resourcegroups/rg"), null);

        Assert.Equal(200, status);
        Assert.Null(body);
    }

    [Fact]
    public void A_partner_center_patch_answers_with_the_object_sent()
    {
        var (status, body) = SimulatedResponses.For("partnerCenter", "PATCH", new Uri("https://api.partnercenter.microsoft.com/v1/customers/c/subscriptions/s"),
            JsonNode.Parse("""{"id":"s","quantity":6}"""));

        Assert.Equal(200, status);
        Assert.Equal(6, body!["quantity"]!.GetValue<int>());
    }
}
