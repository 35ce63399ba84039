using System.Collections;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Runner.Clouds;

namespace Runner.Secrets;

/// <summary>
/// The identity Runner uses to reach Key Vault: Azure.Identity's usual chain. The environment variables of
/// EnvironmentCredential (AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH,
/// AZURE_AUTHORITY_HOST) are read from the environment Runner was given, so one process can serve several
/// configurations; without them DefaultAzureCredential tries workload identity, managed identity, Azure CLI and
/// the rest. The authority is the configured cloud's login host unless AZURE_AUTHORITY_HOST says otherwise.
/// </summary>
internal static class KeyVaultCredentials
{
    public static TokenCredential Create(IDictionary environment, CloudEndpoints cloud, HttpPipelineTransport transport)
    {
        var authority = Get(environment, "AZURE_AUTHORITY_HOST") is { } host ? new Uri(host) : cloud.Login;
        var local = cloud.IsLocal || !IsMicrosoftHost(authority);
        var tenant = Get(environment, "AZURE_TENANT_ID");
        var clientId = Get(environment, "AZURE_CLIENT_ID");
        if (tenant is not null && clientId is not null)
        {
            if (Get(environment, "AZURE_CLIENT_SECRET") is { } secret)
            {
                return new ClientSecretCredential(tenant, clientId, secret, new ClientSecretCredentialOptions
                {
                    AuthorityHost = authority,
                    DisableInstanceDiscovery = local,
                    Transport = transport,
                });
            }

            if (Get(environment, "AZURE_CLIENT_CERTIFICATE_PATH") is { } certificate)
            {
                var options = new ClientCertificateCredentialOptions
                {
                    AuthorityHost = authority,
                    DisableInstanceDiscovery = local,
                    Transport = transport,
                    SendCertificateChain = Get(environment, "AZURE_CLIENT_SEND_CERTIFICATE_CHAIN") is "1" or "true",
                };
                return Get(environment, "AZURE_CLIENT_CERTIFICATE_PASSWORD") is { } password
                    ? new ClientCertificateCredential(tenant, clientId, System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(certificate, password), options)
                    : new ClientCertificateCredential(tenant, clientId, certificate, options);
            }
        }

        return new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            AuthorityHost = authority,
            DisableInstanceDiscovery = local,
            Transport = transport,
            TenantId = tenant,
            ManagedIdentityClientId = clientId,
        });
    }

    private static bool IsMicrosoftHost(Uri authority) =>
        authority.Host is "login.microsoftonline.com" or "login.microsoftonline.us" or "login.partner.microsoftonline.cn" or "login.chinacloudapi.cn";

    private static string? Get(IDictionary environment, string name) => environment[name] as string is { Length: > 0 } value ? value : null;
}
