namespace Runner.Clouds;

/// <summary>
/// Where each service lives and which token audience it accepts. Runner talks to the real resource
/// identifiers (audiences) even when the endpoints are a local sandbox, exactly as in production.
/// </summary>
/// <param name="Name">sandbox, public, usgov, china or custom.</param>
/// <param name="Login">Entra ID authority host, e.g. https://login.microsoftonline.com/.</param>
/// <param name="PartnerCenter">Partner Center REST base (without /v1).</param>
/// <param name="PartnerCenterScope">Delegated scope for Partner Center tokens.</param>
/// <param name="ResourceManager">Azure Resource Manager endpoint.</param>
/// <param name="ResourceManagerAudience">The audience ARM tokens are requested for.</param>
/// <param name="Graph">Microsoft Graph endpoint (without /v1.0).</param>
/// <param name="GraphScope">Scope for Graph tokens.</param>
/// <param name="KeyVaultScope">Scope for Key Vault tokens.</param>
/// <param name="IsLocal">True for endpoints not run by Microsoft: authority validation and instance discovery are off.</param>
internal sealed record CloudEndpoints(
    string Name,
    Uri Login,
    Uri PartnerCenter,
    string PartnerCenterScope,
    Uri ResourceManager,
    string ResourceManagerAudience,
    Uri Graph,
    string GraphScope,
    string KeyVaultScope,
    bool IsLocal)
{
    /// <summary>The DNS suffix of this cloud's vaults (vault.azure.net, vault.usgovcloudapi.net, vault.azure.cn).
    /// A vault URL elsewhere (the sandbox) is trusted only because runner.yaml names it.</summary>
    public string KeyVaultSuffix { get; init; } = "vault.azure.net";

    public string ResourceManagerScope => ResourceManagerAudience.TrimEnd('/') + "/.default";

    /// <summary>The authority for a tenant: login host plus tenant id or domain.</summary>
    public string Authority(string tenant) => new Uri(Login, tenant).AbsoluteUri;

    /// <summary>Whether <paramref name="vault"/> is one of this cloud's own Key Vault hosts.</summary>
    public bool IsCloudVault(Uri vault) => vault.Host.EndsWith("." + KeyVaultSuffix, StringComparison.OrdinalIgnoreCase);
}
