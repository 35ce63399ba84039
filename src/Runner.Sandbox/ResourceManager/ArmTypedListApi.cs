using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.ResourceManager;

/// <summary>
/// Resources of one type, the List / ListAll every resource provider's SDK calls (for example
/// StorageAccounts.List): GET /subscriptions/{id}/providers/{namespace}/{type} and the same under a resource group
/// (reached through <see cref="ArmResourcesApi"/>). A namespace or type the sandbox does not hold is 501, as any
/// request it does not emulate; an api-version the type does not have is ARM's 400 NoRegisteredProviderFound.
/// </summary>
internal sealed class ArmTypedListApi(ArmAccess access)
{
    public void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/subscriptions/{subscriptionId}/providers/{providerNamespace}/{resourceType}", (RequestDelegate)(async http =>
        {
            if (await access.FindSubscription(http) is ({ } sub, { } tenant))
            {
                await List(http, sub, tenant, null, (string)http.Request.RouteValues["providerNamespace"]!, (string)http.Request.RouteValues["resourceType"]!);
            }
        }));

    /// <summary>Answers the list of <paramref name="type"/> in <paramref name="group"/>, or in the whole subscription when null.</summary>
    public async Task List(HttpContext http, AzureSubscription sub, SandboxTenant tenant, ResourceGroup? group, string providerNamespace, string type)
    {
        var apiVersion = http.Query("api-version")!;
        // A namespace or type the sandbox does not hold exists in Azure all the same: it is not emulated (501).
        if (ArmProviders.ApiVersions(providerNamespace, type) is not { } versions)
        {
            await NotEmulatedEndpoint.Answer(http, access.Context);
            return;
        }

        if (!versions.Contains(apiVersion, StringComparer.OrdinalIgnoreCase))
        {
            await ArmJson.Error(http, 400, "NoRegisteredProviderFound",
                $"No registered resource provider found for location 'global' and API version '{apiVersion}' for type '{type}'. The supported api-versions are '{string.Join(", ", versions)}'.");
            return;
        }

        var fullType = $"{providerNamespace}/{type}";
        List<JsonNode> found;
        lock (tenant.Content.Sync)
        {
            found = sub.ResourceGroups
                .Where(g => group is null || ReferenceEquals(g, group))
                .SelectMany(g => g.Resources.Where(r => string.Equals(r.Type, fullType, StringComparison.OrdinalIgnoreCase)).Select(r => (JsonNode)ArmJson.Resource(sub, g, r)))
                .ToList();
        }

        await access.WritePage(http, found, ResourceManagerApi.ResourcePageSize);
    }
}
