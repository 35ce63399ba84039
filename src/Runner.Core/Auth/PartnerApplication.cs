using System.Security.Cryptography.X509Certificates;

namespace Runner.Auth;

/// <summary>The partner's app registration as Runner authenticates with it: a client secret or a certificate.</summary>
internal sealed record PartnerApplication(string Tenant, string ClientId, string? ClientSecret, X509Certificate2? Certificate)
{
    /// <summary>Never prints the secret.</summary>
    public override string ToString() => $"app {ClientId} in {Tenant} ({(Certificate is null ? "client secret" : "certificate " + Certificate.Thumbprint)})";
}
