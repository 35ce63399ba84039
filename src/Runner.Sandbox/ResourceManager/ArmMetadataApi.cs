using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.ResourceManager;

/// <summary>
/// ARM's cloud metadata (GET /metadata/endpoints), which `az cloud register --endpoint-resource-manager` and Azure
/// PowerShell read to learn a cloud's endpoints: api-version 2015-01-01 answers the one-cloud object, 2019-05-01 and
/// later the array of clouds ("Azure Resource Manager metadata endpoints"). The sandbox's login and resource manager
/// are itself; audiences stay the public cloud's, as the sandbox issues tokens for them.
/// </summary>
internal sealed class ArmMetadataApi(SandboxContext context)
{
    public void Map(IEndpointRouteBuilder routes) => routes.MapGet("/metadata/endpoints", (RequestDelegate)Endpoints);

    private Task Endpoints(HttpContext http)
    {
        var root = context.BaseUri.GetLeftPart(UriPartial.Authority);
        var version = http.Query("api-version") ?? "";
        if (version.Length == 0)
        {
            return ArmJson.Error(http, 400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
        }

        if (string.CompareOrdinal(version, "2019-05-01") < 0)
        {
            return http.WriteJson(new JsonObject
            {
                ["galleryEndpoint"] = "https://gallery.azure.com/",
                ["graphEndpoint"] = "https://graph.windows.net/",
                ["portalEndpoint"] = "https://portal.azure.com/",
                ["authentication"] = new JsonObject
                {
                    ["loginEndpoint"] = root + "/",
                    ["audiences"] = new JsonArray("https://management.core.windows.net/", "https://management.azure.com/"),
                },
            });
        }

        var cloud = new JsonObject
        {
            ["name"] = "Sandbox",
            ["portal"] = "https://portal.azure.com",
            ["authentication"] = new JsonObject
            {
                ["loginEndpoint"] = root,
                ["audiences"] = new JsonArray("https://management.core.windows.net/", "https://management.azure.com/"),
                ["tenant"] = "common",
                ["identityProvider"] = "AAD",
            },
            ["resourceManager"] = root + "/",
            ["graph"] = "https://graph.windows.net/",
            ["graphAudience"] = "https://graph.windows.net/",
            ["microsoftGraphResourceId"] = "https://graph.microsoft.com/",
            ["gallery"] = "https://gallery.azure.com/",
            ["suffixes"] = new JsonObject
            {
                ["keyVaultDns"] = "vault.azure.net",
                ["storage"] = "core.windows.net",
                ["acrLoginServer"] = "azurecr.io",
                ["sqlServerHostname"] = "database.windows.net",
            },
        };
        return http.WriteJson(new JsonArray(cloud));
    }
}
