using Runner.Sandbox;

namespace Runner.Cli.Rendering;

/// <summary>What `runner sandbox` prints: where everything is, and the exact lines another process needs.</summary>
internal static class SandboxBanner
{
    public static string Render(SandboxHost host, string secretFile)
    {
        var url = host.BaseUri.AbsoluteUri;
        var ca = host.CaCertificatePath;
        return $$"""
            Runner sandbox listening on {{url}}
              Entra ID        {{url}}{{host.PartnerTenantId}}/oauth2/v2.0/  (any tenant id or domain)
              Partner Center  {{url}}v1/
              Resource Mgr    {{url}}subscriptions
              Graph           {{url}}v1.0/
              Key Vault       {{url}}secrets/
              Admin           {{url}}_sandbox/  (counters, faults, clock, consent, info; loopback only)
            CA certificate    {{ca}}
            Other processes trust it with:
              export SSL_CERT_FILE={{ca}}

            Partner           {{host.PartnerName}} ({{host.PartnerDomain}}), tenant {{host.PartnerTenantId}}
            Partner admin     {{host.AdminUserPrincipalName}}
            Application id    {{host.ClientId}}
            Client secret     in {{secretFile}} (mode 0600)
            Customers         {{host.Customers.Count}}

            To use it from another runner.yaml:
              cloud: custom
              endpoints: { login: {{url}}, partnerCenter: {{url}}, resourceManager: {{url}}, graph: {{url}}, caFile: {{ca}} }
              partner: { tenant: {{host.PartnerTenantId}}, clientId: {{host.ClientId}}, clientSecret: secret:app-secret }
            then store the app secret and a partner admin refresh token (as if consent had happened):
              runner secret set app-secret < {{secretFile}}
              curl -s --cacert {{ca}} -X POST {{url}}_sandbox/consent | jq -r .refresh_token | runner secret set partner-refresh-token

            Press Ctrl+C to stop.
            """;
    }
}
