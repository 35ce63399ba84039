using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Identity;

/// <summary>POST /{tenant}/oauth2/v2.0/token: Entra ID's v2 token endpoint.</summary>
internal sealed class TokenEndpoint(SandboxContext context)
{
    private static readonly TimeSpan Inactivity = TimeSpan.FromDays(90);

    public async Task Handle(HttpContext http)
    {
        var tenantName = (string)http.Request.RouteValues["tenant"]!;
        if (!http.Request.HasFormContentType)
        {
            await EntraError.MissingParameter("grant_type").ToResult(http, context.Clock.GetUtcNow()).Execute(http);
            return;
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var grant = form["grant_type"].ToString();
        var codes = new CodeGrants(context, this);
        var result = grant switch
        {
            "refresh_token" => RefreshToken(http, tenantName, form),
            "client_credentials" => ClientCredentials(http, tenantName, form),
            "authorization_code" => codes.AuthorizationCode(http, tenantName, form),
            "device_code" or CodeGrants.DeviceCodeUrn => codes.DeviceCode(http, tenantName, form),
            "" => EntraError.MissingParameter("grant_type").ToResult(http, context.Clock.GetUtcNow()),
            _ => EntraError.UnsupportedGrant(grant).ToResult(http, context.Clock.GetUtcNow()),
        };
        await result.Execute(http);
    }

    private IResult RefreshToken(HttpContext http, string tenantName, IFormCollection form)
    {
        var now = context.Clock.GetUtcNow();
        var (app, clientError) = ClientAuthenticator.Authenticate(context, form, tenantName, allowPublic: true);
        if (app is null)
        {
            return clientError!.ToResult(http, now);
        }

        var value = form["refresh_token"].ToString();
        if (value.Length == 0)
        {
            return EntraError.MissingParameter("refresh_token").ToResult(http, now);
        }

        if (context.Issuer.ReadRefreshToken(value) is not { Kind: "rt" } grant || grant.ClientId != app.ClientId)
        {
            return EntraError.RefreshTokenMalformed().ToResult(http, now);
        }

        // "Microsoft identity platform and OAuth 2.0 device authorization grant flow" / "Public client and
        // confidential client applications": a refresh token is bound to the client type that obtained it. One from
        // a public client flow, redeemed with a secret or assertion, gets AADSTS700025; one issued to a confidential
        // client, redeemed without its credential, gets AADSTS7000218.
        var presented = form["client_secret"].ToString().Length > 0 || form["client_assertion"].ToString().Length > 0;
        if (grant.PublicClient && presented)
        {
            return EntraError.PublicClientWithCredential().ToResult(http, now);
        }

        if (!grant.PublicClient && !presented)
        {
            return EntraError.MissingClientCredential().ToResult(http, now);
        }

        var user = context.Directory.PartnerAdmin.Id == grant.UserId ? context.Directory.PartnerAdmin : null;
        if (user is null)
        {
            return EntraError.RefreshTokenMalformed().ToResult(http, now);
        }

        if (context.Identity.TokensValidFrom.TryGetValue(user.Id, out var validFrom) && grant.IssuedAt < validFrom)
        {
            return EntraError.GrantRevoked(grant.IssuedAt, validFrom).ToResult(http, now);
        }

        if (now - grant.IssuedAt > Inactivity)
        {
            return EntraError.RefreshTokenExpired(grant.IssuedAt).ToResult(http, now);
        }

        return IssueForUser(http, tenantName, form["scope"], user, app, grant.Mfa, nonce: null, grant.PublicClient);
    }

    /// <summary>Issues access, id and refresh tokens for a user in the tenant named by the path, after the
    /// checks every user grant shares: the tenant, GDAP access, per-tenant refusals and the scope.</summary>
    internal IResult IssueForUser(HttpContext http, string tenantName, string? scope, SandboxUser user, SandboxApplication app, bool mfa, string? nonce, bool publicClient = false)
    {
        var now = context.Clock.GetUtcNow();
        var tenant = ResolveTenant(tenantName, user);
        if (tenant is null)
        {
            return EntraError.TenantNotFound(tenantName).ToResult(http, now);
        }

        if (tenant.Id != user.TenantId && !context.Directory.HasActiveRelationship(tenant, now))
        {
            return EntraError.NotInTenant(user.UserPrincipalName, user.TenantId, tenant.DisplayName, app.ClientId, app.DisplayName).ToResult(http, now);
        }

        if (context.Identity.TenantRefusals.TryGetValue(tenant.Id, out var refusal))
        {
            var error = refusal switch
            {
                TenantRefusal.ConsentMissing => EntraError.ConsentMissing(app.ClientId, app.DisplayName, tenant.DisplayName),
                TenantRefusal.MfaRequired when !mfa => EntraError.MfaRequired(),
                TenantRefusal.ConditionalAccess => EntraError.ConditionalAccess(),
                _ => null,
            };
            if (error is not null)
            {
                return error.ToResult(http, now);
            }
        }

        var resolved = ResolveScope(scope, tenant, out var scopeError);
        if (resolved is null)
        {
            return scopeError!.ToResult(http, now);
        }

        var (audience, permissions, grantedScope, request) = resolved.Value;
        var body = new JsonObject
        {
            ["token_type"] = "Bearer",
            ["scope"] = grantedScope,
            ["expires_in"] = (int)TokenIssuer.AccessTokenLifetime.TotalSeconds,
            ["ext_expires_in"] = (int)TokenIssuer.AccessTokenLifetime.TotalSeconds,
            ["access_token"] = context.Issuer.AccessToken(tenant, user, app, audience, permissions, mfa),
            ["refresh_token"] = context.Issuer.RefreshToken(user, app, mfa, publicClient),
        };
        if (request.OidcScopes.Contains("openid") || request.OidcScopes.Count == 0)
        {
            body["id_token"] = context.Issuer.IdToken(tenant, user, app, nonce);
        }

        body["client_info"] = TokenIssuer.ClientInfo(user);
        return Results.Content(body.ToJsonString(), "application/json; charset=utf-8");
    }

    private IResult ClientCredentials(HttpContext http, string tenantName, IFormCollection form)
    {
        var now = context.Clock.GetUtcNow();
        var (app, clientError) = ClientAuthenticator.Authenticate(context, form, tenantName, allowPublic: false);
        if (app is null)
        {
            return clientError!.ToResult(http, now);
        }

        var tenant = context.Directory.FindTenant(tenantName);
        if (tenant is null)
        {
            return EntraError.TenantNotFound(tenantName).ToResult(http, now);
        }

        var resolved = ResolveScope(form["scope"], tenant, out var scopeError);
        if (resolved is null)
        {
            return scopeError!.ToResult(http, now);
        }

        var (audience, permissions, _, _) = resolved.Value;
        var body = new JsonObject
        {
            ["token_type"] = "Bearer",
            ["expires_in"] = (int)TokenIssuer.AccessTokenLifetime.TotalSeconds,
            ["ext_expires_in"] = (int)TokenIssuer.AccessTokenLifetime.TotalSeconds,
            ["access_token"] = context.Issuer.AccessToken(tenant, null, app, audience, permissions, mfa: false),
        };
        return Results.Content(body.ToJsonString(), "application/json; charset=utf-8");
    }

    private SandboxTenant? ResolveTenant(string tenantName, SandboxUser user) =>
        tenantName.ToLowerInvariant() switch
        {
            "common" or "organizations" => context.Directory.FindTenant(user.TenantId),
            _ => context.Directory.FindTenant(tenantName),
        };

    /// <summary>Resolves the one resource a v2 scope parameter may name; permissions for .default are the app's grants.</summary>
    private (string Audience, string[] Permissions, string GrantedScope, ScopeRequest Request)? ResolveScope(string? scope, SandboxTenant tenant, out EntraError? error)
    {
        var request = KnownResources.Parse(scope);
        var resources = request.Resources.Select(r => r.Resource).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (resources.Count > 1)
        {
            error = EntraError.MultipleResources();
            return null;
        }

        var resource = resources.Count == 0 ? KnownResources.Graph : resources[0];
        if (!KnownResources.TryResolve(resource, out var audience, out var defaults))
        {
            error = EntraError.UnknownResource(resource, tenant.DisplayName);
            return null;
        }

        var asked = request.Resources.Select(r => r.Permission).ToList();
        var isDefault = asked.Count == 0 || asked.Contains(".default");
        var permissions = isDefault ? defaults : asked.ToArray();
        // As Entra's v2 endpoint does: the granted permissions, plus .default itself when it was asked for,
        // named with the resource as the request named it (clients match cached tokens on this string).
        var prefix = request.Resources.Count > 0 ? request.Resources[0].Resource : audience;
        var grantedScopes = permissions.Select(p => $"{prefix}/{p}");
        if (isDefault && request.Resources.Count > 0)
        {
            grantedScopes = grantedScopes.Append($"{prefix}/.default");
        }

        // Entra lists only the resource's scopes here, never openid/profile/offline_access.
        var granted = string.Join(' ', grantedScopes);
        error = null;
        return (audience, permissions, granted, request);
    }
}
