using Runner.Clouds;

namespace Runner.Scripting;

/// <summary>Token scopes for common Microsoft APIs, for <see cref="TenantTokens"/>, in the cloud Runner is using.</summary>
public sealed class KnownScopes
{
    internal KnownScopes(CloudEndpoints cloud)
    {
        Graph = cloud.GraphScope;
        ResourceManager = cloud.ResourceManagerScope;
        PartnerCenter = cloud.PartnerCenterScope;
        KeyVault = cloud.KeyVaultScope;
        (ExchangeOnline, Defender, AzureAdGraph) = cloud.Name switch
        {
            "usgov" => ("https://outlook.office365.us/.default", "https://api-gov.securitycenter.microsoft.us/.default", "https://graph.windows.net/.default"),
            "usgovdod" => ("https://outlook-dod.office365.us/.default", "https://api-gov.securitycenter.microsoft.us/.default", "https://graph.windows.net/.default"),
            "china" => ("https://partner.outlook.cn/.default", "https://api.securitycenter.microsoft.com/.default", "https://graph.chinacloudapi.cn/.default"),
            _ => ("https://outlook.office365.com/.default", "https://api.securitycenter.microsoft.com/.default", "https://graph.windows.net/.default"),
        };
    }

    /// <summary>Microsoft Graph (what <c>Graph</c> uses).</summary>
    public string Graph { get; }

    /// <summary>Azure Resource Manager (what <c>Arm</c> uses).</summary>
    public string ResourceManager { get; }

    /// <summary>Partner Center (what <c>PartnerCenter</c> uses).</summary>
    public string PartnerCenter { get; }

    /// <summary>Azure Key Vault data plane (secrets, keys, certificates in the customer's vaults).</summary>
    public string KeyVault { get; }

    /// <summary>Exchange Online (the REST API behind the ExchangeOnlineManagement module).</summary>
    public string ExchangeOnline { get; }

    /// <summary>Microsoft Defender for Endpoint.</summary>
    public string Defender { get; }

    /// <summary>The legacy Azure AD Graph.</summary>
    public string AzureAdGraph { get; }
}
