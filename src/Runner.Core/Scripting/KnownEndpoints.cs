using Runner.Clouds;

namespace Runner.Scripting;

/// <summary>
/// Base addresses of the APIs Runner talks to, in the cloud Runner is using (public, US Gov, China, or the sandbox),
/// so a script that calls an API over <see cref="TenantTokens.CreateHttpClient"/> works in every cloud unchanged.
/// </summary>
public sealed class KnownEndpoints
{
    internal KnownEndpoints(CloudEndpoints cloud)
    {
        Graph = cloud.Graph;
        ResourceManager = cloud.ResourceManager;
        PartnerCenter = cloud.PartnerCenter;
    }

    /// <summary>Microsoft Graph, without the version: e.g. <c>https://graph.microsoft.com/</c>.</summary>
    public Uri Graph { get; }

    /// <summary>Azure Resource Manager: e.g. <c>https://management.azure.com/</c>.</summary>
    public Uri ResourceManager { get; }

    /// <summary>Partner Center REST, without <c>/v1</c>: e.g. <c>https://api.partnercenter.microsoft.com/</c>.</summary>
    public Uri PartnerCenter { get; }
}
