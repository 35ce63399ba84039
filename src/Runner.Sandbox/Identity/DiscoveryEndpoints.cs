using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Identity;

/// <summary>OpenID Connect discovery and the JWKS that verifies the sandbox's tokens.</summary>
internal sealed class DiscoveryEndpoints(SandboxContext context)
{
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/{tenant}/v2.0/.well-known/openid-configuration", (RequestDelegate)Configuration);
        routes.MapGet("/{tenant}/.well-known/openid-configuration", (RequestDelegate)ConfigurationV1);
        routes.MapGet("/{tenant}/discovery/v2.0/keys", (RequestDelegate)Keys);
        routes.MapGet("/common/discovery/keys", (RequestDelegate)Keys);
        routes.MapGet("/common/discovery/instance", (RequestDelegate)Instance);
    }

    private async Task Configuration(HttpContext http)
    {
        var name = (string)http.Request.RouteValues["tenant"]!;
        var tenant = context.Directory.FindTenant(name);
        var isAlias = name is "common" or "organizations" or "consumers";
        if (tenant is null && !isAlias)
        {
            await EntraError.TenantNotFound(name).ToResult(http, context.Clock.GetUtcNow()).ExecuteAsync(http);
            return;
        }

        var root = context.BaseUri.GetLeftPart(UriPartial.Authority);
        var segment = tenant?.Id.ToString() ?? name;
        await http.WriteJson(new JsonObject
        {
            ["token_endpoint"] = $"{root}/{segment}/oauth2/v2.0/token",
            ["token_endpoint_auth_methods_supported"] = new JsonArray("client_secret_post", "private_key_jwt", "client_secret_basic"),
            ["jwks_uri"] = $"{root}/{segment}/discovery/v2.0/keys",
            ["response_modes_supported"] = new JsonArray("query", "fragment", "form_post"),
            ["subject_types_supported"] = new JsonArray("pairwise"),
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            ["response_types_supported"] = new JsonArray("code", "id_token", "code id_token", "id_token token"),
            ["scopes_supported"] = new JsonArray("openid", "profile", "email", "offline_access"),
            ["issuer"] = tenant is null ? $"{root}/{{tenantid}}/v2.0" : context.Issuer.Issuer(tenant.Id),
            ["request_uri_parameter_supported"] = false,
            ["userinfo_endpoint"] = $"{root}/oidc/userinfo",
            ["authorization_endpoint"] = $"{root}/{segment}/oauth2/v2.0/authorize",
            ["device_authorization_endpoint"] = $"{root}/{segment}/oauth2/v2.0/devicecode",
            ["http_logout_supported"] = true,
            ["frontchannel_logout_supported"] = true,
            ["end_session_endpoint"] = $"{root}/{segment}/oauth2/v2.0/logout",
            ["claims_supported"] = new JsonArray("sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email", "roles", "groups"),
            ["kerberos_endpoint"] = $"{root}/{segment}/kerberos",
            ["tenant_region_scope"] = "EU",
            ["cloud_instance_name"] = "microsoftonline.com",
            ["cloud_graph_host_name"] = "graph.windows.net",
            ["msgraph_host"] = "graph.microsoft.com",
        });
    }

    /// <summary>
    /// The v1 endpoint's metadata, which azure-cli reads to turn a tenant's domain into its id (from the issuer,
    /// https://sts.windows.net/{id}/). Its v1 token endpoint is not emulated: the sandbox's clients use v2.
    /// </summary>
    private async Task ConfigurationV1(HttpContext http)
    {
        var name = (string)http.Request.RouteValues["tenant"]!;
        var tenant = context.Directory.FindTenant(name);
        if (tenant is null && name is not ("common" or "organizations"))
        {
            await EntraError.TenantNotFound(name).ToResult(http, context.Clock.GetUtcNow()).ExecuteAsync(http);
            return;
        }

        var root = context.BaseUri.GetLeftPart(UriPartial.Authority);
        var segment = tenant?.Id.ToString() ?? name;
        await http.WriteJson(new JsonObject
        {
            ["token_endpoint"] = $"{root}/{segment}/oauth2/token",
            ["token_endpoint_auth_methods_supported"] = new JsonArray("client_secret_post", "private_key_jwt", "client_secret_basic"),
            ["jwks_uri"] = $"{root}/common/discovery/keys",
            ["response_modes_supported"] = new JsonArray("query", "fragment", "form_post"),
            ["subject_types_supported"] = new JsonArray("pairwise"),
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            ["response_types_supported"] = new JsonArray("code", "id_token", "code id_token", "token id_token", "token"),
            ["scopes_supported"] = new JsonArray("openid"),
            ["issuer"] = tenant is null ? "https://sts.windows.net/{tenantid}/" : $"https://sts.windows.net/{tenant.Id}/",
            ["microsoft_multi_refresh_token"] = true,
            ["authorization_endpoint"] = $"{root}/{segment}/oauth2/authorize",
            ["device_authorization_endpoint"] = $"{root}/{segment}/oauth2/devicecode",
            ["http_logout_supported"] = true,
            ["frontchannel_logout_supported"] = true,
            ["end_session_endpoint"] = $"{root}/{segment}/oauth2/logout",
            ["claims_supported"] = new JsonArray("sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name", "msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "amr", "nonce", "email", "given_name", "family_name", "nickname"),
            ["check_session_iframe"] = $"{root}/{segment}/oauth2/checksession",
            ["userinfo_endpoint"] = $"{root}/{segment}/openid/userinfo",
            ["kerberos_endpoint"] = $"{root}/{segment}/kerberos",
            ["tenant_region_scope"] = "EU",
            ["cloud_instance_name"] = "microsoftonline.com",
            ["cloud_graph_host_name"] = "graph.windows.net",
            ["msgraph_host"] = "graph.microsoft.com",
            ["rbac_url"] = "https://pas.windows.net",
        });
    }

    /// <summary>
    /// Instance discovery, which MSAL calls before using an authority it does not know ("Custom authority aliases" in
    /// MSAL's docs): for an authorize endpoint on this host, where its tenant's metadata is and which host names are
    /// the same cloud; for any other host, invalid_instance (AADSTS50049) as Entra answers for a host that is not one
    /// of its clouds.
    /// </summary>
    private async Task Instance(HttpContext http)
    {
        var now = context.Clock.GetUtcNow();
        var endpoint = http.Request.Query["authorization_endpoint"].ToString();
        if (endpoint.Length == 0)
        {
            await EntraError.MissingParameter("authorization_endpoint").ToResult(http, now).ExecuteAsync(http);
            return;
        }

        var own = context.BaseUri;
        // The sandbox's cloud is its loopback host names. The port is not compared: MSAL Python sends the host
        // without it, and the answer names this port anyway.
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var authorize) || authorize.Scheme != Uri.UriSchemeHttps ||
            !(authorize.Host == own.Host || authorize.Host == "localhost"))
        {
            await EntraError.InvalidInstance().ToResult(http, now).ExecuteAsync(http);
            return;
        }

        var segments = authorize.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var tenant = segments.Length > 0 ? segments[0] : "common";
        var version = segments.Contains("v2.0", StringComparer.OrdinalIgnoreCase) ? "/v2.0" : "";
        await http.WriteJson(new JsonObject
        {
            ["tenant_discovery_endpoint"] = $"https://{own.Authority}/{tenant}{version}/.well-known/openid-configuration",
            ["api-version"] = "1.1",
            ["metadata"] = new JsonArray(new JsonObject
            {
                ["preferred_network"] = own.Authority,
                ["preferred_cache"] = own.Authority,
                ["aliases"] = new JsonArray(own.Authority, $"localhost:{own.Port}"),
            }),
        });
    }

    private async Task Keys(HttpContext http)
    {
        var parameters = context.Keys.Rsa.ExportParameters(false);
        await http.WriteJson(new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["kid"] = context.Keys.KeyId,
                ["x5t"] = context.Keys.KeyId,
                ["n"] = Base64Url.Encode(parameters.Modulus),
                ["e"] = Base64Url.Encode(parameters.Exponent),
                ["issuer"] = $"{context.BaseUri.GetLeftPart(UriPartial.Authority)}/{{tenantid}}/v2.0",
            }),
        });
    }
}
