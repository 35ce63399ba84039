using Runner.Tests.Infrastructure;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Runner.Sandbox.Data;

namespace Runner.Tests.Sandbox.ResourceManager;

/// <summary>Azure RBAC role assignments over ARM's REST API (the Authorization SDK is not among the script references).</summary>
public sealed class ArmRoleAssignmentsTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    private const string Api = "api-version=2022-04-01";
    private const string Reader = "acdd72a7-3385-48ef-bd42-f606fba81ae7";

    [Fact]
    public async Task A_role_assignment_is_created_listed_at_its_scope_and_refused_twice()
    {
        var (customer, subscription, group) = Estate();
        var principal = customer.Content.Users[1].Id.ToString();
        using var arm = fixture.Clients.RawArm(customer.Id);
        var scope = $"subscriptions/{subscription.SubscriptionId}/resourceGroups/{group.Name}";
        var name = Guid.NewGuid();

        using var created = await arm.PutAsJsonAsync($"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}?{Api}", Body(subscription, Reader, principal));
        var createdJson = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        var listed = JsonNode.Parse(await arm.GetStringAsync($"{scope}/providers/Microsoft.Authorization/roleAssignments?{Api}&$filter={Uri.EscapeDataString($"principalId eq '{principal}'")}"))!;
        using var twice = await arm.PutAsJsonAsync($"{scope}/providers/Microsoft.Authorization/roleAssignments/{Guid.NewGuid()}?{Api}", Body(subscription, Reader, principal));
        var twiceJson = JsonNode.Parse(await twice.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/{scope}/providers/Microsoft.Authorization/roleAssignments/{name}", (string)createdJson["id"]!);
        Assert.Equal($"/{scope}", (string)createdJson["properties"]!["scope"]!);
        Assert.Equal((string)createdJson["id"]!, (string)Assert.Single(listed["value"]!.AsArray())!["id"]!);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Equal("RoleAssignmentExists", (string)twiceJson["error"]!["code"]!);
    }

    [Theory]
    [InlineData("not-a-guid", Reader, true, "InvalidRoleAssignmentId")]
    [InlineData(null, "00000000-0000-0000-0000-00000000beef", true, "RoleDefinitionDoesNotExist")]
    [InlineData(null, Reader, false, "PrincipalNotFound")]
    public async Task Bad_assignments_are_refused_with_ARMs_codes(string? name, string role, bool knownPrincipal, string code)
    {
        var (customer, subscription, _) = Estate();
        using var arm = fixture.Clients.RawArm(customer.Id);
        var principal = knownPrincipal ? customer.Content.Users[2].Id.ToString() : Guid.NewGuid().ToString();

        using var response = await arm.PutAsJsonAsync(
            $"subscriptions/{subscription.SubscriptionId}/providers/Microsoft.Authorization/roleAssignments/{name ?? Guid.NewGuid().ToString()}?{Api}",
            Body(subscription, role, principal));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, (string)json["error"]!["code"]!);
    }

    private static object Body(AzureSubscription subscription, string role, string principal) => new
    {
        properties = new
        {
            roleDefinitionId = $"/subscriptions/{subscription.SubscriptionId}/providers/Microsoft.Authorization/roleDefinitions/{role}",
            principalId = principal,
            principalType = "User",
        },
    };

    private (SandboxTenant, AzureSubscription, ResourceGroup) Estate()
    {
        var customer = fixture.Host.Context.Directory.Customers.First(c =>
            fixture.Host.Context.Directory.HasActiveRelationship(c, fixture.Host.Clock.GetUtcNow()) && fixture.Host.IsWritable(c) && c.Content.AzureSubscriptions.Any(s => s.ResourceGroups.Count > 0));
        var subscription = customer.Content.AzureSubscriptions.First(s => s.ResourceGroups.Count > 0);
        return (customer, subscription, subscription.ResourceGroups[0]);
    }
}
