using Runner.Configuration;

namespace Runner.Clouds;

/// <summary>
/// The national clouds, from Microsoft's documentation of each service's endpoints: Entra ID "National clouds"
/// (authentication endpoints), Microsoft Graph "National cloud deployments", Partner Center "REST URLs" (the
/// global API serves Microsoft Cloud for US Government; 21Vianet has its own), Azure Resource Manager's and Key
/// Vault's per-cloud hosts. Partner Center's token resource is its API host (as the PartnerCenter PowerShell
/// module requests {endpoint}/user_impersonation in every cloud).
/// </summary>
internal static class KnownClouds
{
    private const string PartnerCenterResource = "https://api.partnercenter.microsoft.com";
    private const string ChinaPartnerCenterResource = "https://partner.partnercenterapi.microsoftonline.cn";

    public static readonly CloudEndpoints Public = new(
        "public",
        new Uri("https://login.microsoftonline.com/"),
        new Uri(PartnerCenterResource + "/"),
        PartnerCenterResource + "/user_impersonation",
        new Uri("https://management.azure.com/"),
        "https://management.azure.com",
        new Uri("https://graph.microsoft.com/"),
        "https://graph.microsoft.com/.default",
        "https://vault.azure.net/.default",
        IsLocal: false);

    /// <summary>Microsoft Cloud for US Government (GCC High, Azure Government). Partner Center for US Government keeps the global API host.</summary>
    public static readonly CloudEndpoints UsGovernment = new(
        "usgov",
        new Uri("https://login.microsoftonline.us/"),
        new Uri(PartnerCenterResource + "/"),
        PartnerCenterResource + "/user_impersonation",
        new Uri("https://management.usgovcloudapi.net/"),
        "https://management.usgovcloudapi.net",
        new Uri("https://graph.microsoft.us/"),
        "https://graph.microsoft.us/.default",
        "https://vault.usgovcloudapi.net/.default",
        IsLocal: false)
    {
        KeyVaultSuffix = "vault.usgovcloudapi.net",
    };

    /// <summary>
    /// Microsoft Cloud for US Government DoD: the same login, ARM and Key Vault hosts as GCC High, but Graph "National
    /// cloud deployments" gives DoD its own Graph host (dod-graph.microsoft.us), whose tokens carry that audience.
    /// GCC (not High) is not a separate cloud: its tenants use the public endpoints (cloud: public).
    /// </summary>
    public static readonly CloudEndpoints UsGovernmentDoD = UsGovernment with
    {
        Name = "usgovdod",
        Graph = new Uri("https://dod-graph.microsoft.us/"),
        GraphScope = "https://dod-graph.microsoft.us/.default",
    };

    /// <summary>Microsoft Azure and Partner Center operated by 21Vianet. login.partner.microsoftonline.cn is the
    /// documented authentication endpoint (login.chinacloudapi.cn is its older alias).</summary>
    public static readonly CloudEndpoints China = new(
        "china",
        new Uri("https://login.partner.microsoftonline.cn/"),
        new Uri(ChinaPartnerCenterResource + "/"),
        ChinaPartnerCenterResource + "/user_impersonation",
        new Uri("https://management.chinacloudapi.cn/"),
        "https://management.chinacloudapi.cn",
        new Uri("https://microsoftgraph.chinacloudapi.cn/"),
        "https://microsoftgraph.chinacloudapi.cn/.default",
        "https://vault.azure.cn/.default",
        IsLocal: false)
    {
        KeyVaultSuffix = "vault.azure.cn",
    };

    public static CloudEndpoints For(CloudKind kind) => kind switch
    {
        CloudKind.Public => Public,
        CloudKind.UsGovernment => UsGovernment,
        CloudKind.UsGovernmentDoD => UsGovernmentDoD,
        CloudKind.China => China,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "The sandbox and custom clouds take their endpoints from elsewhere."),
    };

    /// <summary>Explicit endpoints (a standalone sandbox, a proxy) speaking for the public cloud's audiences.</summary>
    public static CloudEndpoints Custom(CustomEndpoints endpoints, string name = "custom") => Public with
    {
        Name = name,
        Login = endpoints.Login,
        PartnerCenter = endpoints.PartnerCenter,
        ResourceManager = endpoints.ResourceManager,
        Graph = endpoints.Graph,
        IsLocal = true,
    };
}
