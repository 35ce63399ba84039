using Runner.Auth;
using Runner.Configuration;
using Runner.Redaction;
using Runner.Secrets;

namespace Runner.Runtime;

/// <summary>Builds the partner application from runner.yaml (or the sandbox's defaults) and the secret store.</summary>
internal static class PartnerApplications
{
    public static async Task<PartnerApplication> ResolveAsync(RunnerConfig config, CloudConnection cloud, SecretResolver resolver, SecretRedactor redactor, CancellationToken cancellationToken)
    {
        var partner = config.Partner;
        var tenant = partner.Tenant ?? cloud.Partner?.Tenant
            ?? throw new ConfigException(config.FilePath, 0, 0, "partner.tenant", "is required: the partner tenant id or its onmicrosoft.com domain");
        var clientId = partner.ClientId ?? cloud.Partner?.ClientId
            ?? throw new ConfigException(config.FilePath, 0, 0, "partner.clientId", "is required: the partner application's id");
        if (partner.Certificate is not null)
        {
            var certificate = await PartnerCertificates.LoadAsync(config, partner, resolver, cancellationToken);
            return new PartnerApplication(tenant, clientId, null, certificate);
        }

        var reference = partner.ClientSecret ?? cloud.Partner?.ClientSecretReference
            ?? throw new ConfigException(config.FilePath, 0, 0, "partner.clientSecret", "is required: secret:NAME or env:NAME");
        var secret = await resolver.ResolveAsync(reference, "partner.clientSecret", cancellationToken);
        redactor.Add(secret);
        return new PartnerApplication(tenant, clientId, secret, null);
    }
}
