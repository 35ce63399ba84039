using Azure.Identity;
using Azure.ResourceManager;
using Runner.Clouds;
using Runner.Configuration;
using Runner.Runtime;
using Runner.Scripting;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Clouds;

/// <summary>
/// cloud: public | usgov | china select the login, Partner Center, ARM, Graph and Key Vault endpoints and token
/// audiences from Microsoft's documentation (Entra "National clouds", Graph "National cloud deployments",
/// Partner Center "REST URLs"), checked against the SDKs' own constants where they have them.
/// </summary>
public sealed class NationalCloudTests
{
    public static TheoryData<string, string, string, string, string, string, string, string, string> Documented => new()
    {
        {
            "public", "https://login.microsoftonline.com/", "https://api.partnercenter.microsoft.com/", "https://api.partnercenter.microsoft.com/user_impersonation",
            "https://management.azure.com/", "https://management.azure.com", "https://graph.microsoft.com/", "https://graph.microsoft.com/.default", "vault.azure.net"
        },
        {
            "usgov", "https://login.microsoftonline.us/", "https://api.partnercenter.microsoft.com/", "https://api.partnercenter.microsoft.com/user_impersonation",
            "https://management.usgovcloudapi.net/", "https://management.usgovcloudapi.net", "https://graph.microsoft.us/", "https://graph.microsoft.us/.default", "vault.usgovcloudapi.net"
        },
        {
            // DoD: GCC High's login, ARM and Key Vault, but its own Graph host (Graph "National cloud deployments").
            "usgovdod", "https://login.microsoftonline.us/", "https://api.partnercenter.microsoft.com/", "https://api.partnercenter.microsoft.com/user_impersonation",
            "https://management.usgovcloudapi.net/", "https://management.usgovcloudapi.net", "https://dod-graph.microsoft.us/", "https://dod-graph.microsoft.us/.default", "vault.usgovcloudapi.net"
        },
        {
            "china", "https://login.partner.microsoftonline.cn/", "https://partner.partnercenterapi.microsoftonline.cn/", "https://partner.partnercenterapi.microsoftonline.cn/user_impersonation",
            "https://management.chinacloudapi.cn/", "https://management.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn/", "https://microsoftgraph.chinacloudapi.cn/.default", "vault.azure.cn"
        },
    };

    [Theory]
    [MemberData(nameof(Documented))]
    public void Each_cloud_selects_its_documented_endpoints_and_audiences(
        string cloud, string login, string partnerCenter, string partnerCenterScope, string arm, string armAudience, string graph, string graphScope, string vaultSuffix)
    {
        using var folder = new TempFolder();
        var config = Config(folder, cloud);

        var endpoints = CloudConnections.For(config).Endpoints;

        Assert.Equal(cloud, endpoints.Name);
        Assert.Equal(login, endpoints.Login.AbsoluteUri);
        Assert.Equal(partnerCenter, endpoints.PartnerCenter.AbsoluteUri);
        Assert.Equal(partnerCenterScope, endpoints.PartnerCenterScope);
        Assert.Equal(arm, endpoints.ResourceManager.AbsoluteUri);
        Assert.Equal(armAudience, endpoints.ResourceManagerAudience);
        Assert.Equal(armAudience + "/.default", endpoints.ResourceManagerScope);
        Assert.Equal(graph, endpoints.Graph.AbsoluteUri);
        Assert.Equal(graphScope, endpoints.GraphScope);
        Assert.Equal($"https://{vaultSuffix}/.default", endpoints.KeyVaultScope);
        Assert.True(endpoints.IsCloudVault(new Uri($"https://contoso-runner.{vaultSuffix}/")));
        Assert.False(endpoints.IsCloudVault(new Uri("https://127.0.0.1:8443/")));
        Assert.False(endpoints.IsLocal);
        Assert.Equal(cloud, new KnownScopes(endpoints).Graph == graphScope ? cloud : "mismatch");
    }

    [Theory]
    [InlineData("public")]
    [InlineData("usgov")]
    [InlineData("usgovdod")]
    [InlineData("china")]
    public void Resource_manager_and_the_authority_agree_with_the_azure_sdks_constants(string cloud)
    {
        using var folder = new TempFolder();
        var endpoints = CloudConnections.For(Config(folder, cloud)).Endpoints;
        var (arm, authorities) = cloud switch
        {
            "usgov" or "usgovdod" => (ArmEnvironment.AzureGovernment, new[] { AzureAuthorityHosts.AzureGovernment }),
            // Azure.Identity still names 21Vianet's older login host; Entra's documentation gives the newer one. Both serve.
            "china" => (ArmEnvironment.AzureChina, new[] { AzureAuthorityHosts.AzureChina, new Uri("https://login.partner.microsoftonline.cn/") }),
            _ => (ArmEnvironment.AzurePublicCloud, new[] { AzureAuthorityHosts.AzurePublicCloud }),
        };

        Assert.Equal(arm.Endpoint.AbsoluteUri, endpoints.ResourceManager.AbsoluteUri);
        Assert.Equal(arm.Audience.TrimEnd('/'), endpoints.ResourceManagerAudience);
        Assert.Contains(endpoints.Login, authorities);
    }

    [Theory]
    [InlineData("public", "https://graph.microsoft.com/v1.0", "https://api.partnercenter.microsoft.com/v1/")]
    [InlineData("usgov", "https://graph.microsoft.us/v1.0", "https://api.partnercenter.microsoft.com/v1/")]
    [InlineData("china", "https://microsoftgraph.chinacloudapi.cn/v1.0", "https://partner.partnercenterapi.microsoftonline.cn/v1/")]
    public async Task A_session_on_each_cloud_builds_clients_for_that_clouds_hosts(string cloud, string graphBase, string partnerCenterBase)
    {
        using var workspace = new Workspace();
        workspace.Write("runner.yaml", Yaml(cloud) + "secrets: { store: env }\n");
        workspace.Environment["APP_SECRET"] = "not-used-offline";
        var config = ConfigLoader.Load(workspace.Path("runner.yaml"), workspace.Environment);

        await using var session = await RunnerSession.OpenAsync(config, CloudConnections.For(config),
            new SessionServices(workspace.Environment, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, new Runner.Redaction.SecretRedactor()), null, CancellationToken.None);

        var graph = session.Clients.Graph("contoso.onmicrosoft.com");
        Assert.Equal(graphBase, graph.RequestAdapter.BaseUrl);
        Assert.Equal(partnerCenterBase, new Uri(session.Clients.Cloud.PartnerCenter, "v1/").AbsoluteUri);
        Assert.Equal(session.Cloud.Endpoints.Login.Host, new Uri(session.Cloud.Endpoints.Authority("contoso.onmicrosoft.com")).Host);
        Assert.Equal(cloud, session.Cloud.Endpoints.Name);
        Assert.Equal("env", session.Secrets.Kind);
    }

    [Fact]
    public void Custom_takes_explicit_endpoints_with_the_public_audiences()
    {
        using var folder = new TempFolder();
        folder.Write("runner.yaml", """
            cloud: custom
            endpoints:
              login: https://login.example.test/
              partnerCenter: https://pc.example.test/
              resourceManager: https://arm.example.test/
              graph: https://graph.example.test/
            partner: { tenant: contoso.onmicrosoft.com, clientId: 11111111-1111-1111-1111-111111111111, clientSecret: env:APP_SECRET }
            """);

        var endpoints = CloudConnections.For(ConfigLoader.Load(folder.Combine("runner.yaml"), new System.Collections.Hashtable())).Endpoints;

        Assert.Equal("https://login.example.test/", endpoints.Login.AbsoluteUri);
        Assert.Equal("https://pc.example.test/", endpoints.PartnerCenter.AbsoluteUri);
        Assert.Equal("https://arm.example.test/", endpoints.ResourceManager.AbsoluteUri);
        Assert.Equal("https://graph.example.test/", endpoints.Graph.AbsoluteUri);
        Assert.Equal(KnownClouds.Public.GraphScope, endpoints.GraphScope);
        Assert.True(endpoints.IsLocal);
    }

    private static RunnerConfig Config(TempFolder folder, string cloud)
    {
        folder.Write("runner.yaml", Yaml(cloud));
        return ConfigLoader.Load(folder.Combine("runner.yaml"), new System.Collections.Hashtable());
    }

    private static string Yaml(string cloud) => $$"""
        cloud: {{cloud}}
        partner: { tenant: contoso.onmicrosoft.com, clientId: 11111111-1111-1111-1111-111111111111, clientSecret: env:APP_SECRET }

        """;
}
