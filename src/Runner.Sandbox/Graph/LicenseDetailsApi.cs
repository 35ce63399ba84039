using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;
using Runner.Sandbox.Identity;

namespace Runner.Sandbox.Graph;

/// <summary>
/// GET /users/{id | userPrincipalName}/licenseDetails ("List licenseDetails"): one entry per licence assigned to the
/// user, with the SKU's service plans as subscribedSkus names them. Needs LicenseAssignment.Read.All, User.Read.All or
/// Directory.Read.All (or a permission that includes one).
/// </summary>
internal sealed class LicenseDetailsApi(GraphApi graph)
{
    private static readonly string[] Read =
        ["LicenseAssignment.Read.All", "LicenseAssignment.ReadWrite.All", "User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"];

    public void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/v1.0/users/{id}/licenseDetails", (RequestDelegate)List);

    private async Task List(HttpContext http)
    {
        if (await graph.Authorize(http, Read) is not { } caller || await GraphObjects.RouteUser(http, graph, caller) is not { } user)
        {
            return;
        }

        List<JsonObject> details;
        lock (caller.Tenant.Content.Sync)
        {
            details = user.AssignedSkuIds
                .Select(sku => Products.Catalog.FirstOrDefault(p => p.SkuId == sku))
                .OfType<Product>()
                .Select(product => Details(user, product))
                .ToList();
        }

        await GraphList.Write(http, graph, $"users('{user.Id}')/licenseDetails", "microsoft.graph.licenseDetails", details);
    }

    /// <summary>Graph's id for a licence detail is opaque and stable per user and SKU.</summary>
    private static JsonObject Details(SandboxUser user, Product product) => new()
    {
        ["id"] = Base64Url.Encode([.. user.Id.ToByteArray(), .. product.SkuId.ToByteArray()]),
        ["skuId"] = product.SkuId.ToString(),
        ["skuPartNumber"] = product.SkuPartNumber,
        ["servicePlans"] = GraphObjects.ServicePlans(product),
    };
}
