using System.Text;
using System.Text.Json.Nodes;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Identity;

/// <summary>Mints the tokens Entra ID would: RS256 access and id tokens, client_info, sealed refresh tokens.</summary>
internal sealed class TokenIssuer(SigningKeys keys, SandboxClock clock, IdentityState state, Func<Uri> baseUri)
{
    public const string RefreshTokenPrefix = "1.AQsandbox.";
    public const string CodePrefix = "1.AQcode.";

    /// <summary>Access tokens live 60–90 minutes in Entra; the sandbox uses a fixed 70.</summary>
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromMinutes(70);

    public string Issuer(Guid tenantId) => $"{baseUri().GetLeftPart(UriPartial.Authority)}/{tenantId}/v2.0";

    public string AccessToken(SandboxTenant tenant, SandboxUser? user, SandboxApplication app, string audience, IEnumerable<string> permissions, bool mfa)
    {
        var now = clock.GetUtcNow();
        var claims = new JsonObject
        {
            ["aud"] = audience,
            ["iss"] = $"https://sts.windows.net/{tenant.Id}/",
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + AccessTokenLifetime).ToUnixTimeSeconds(),
            ["appid"] = app.ClientId.ToString(),
            ["azp"] = app.ClientId.ToString(),
            ["tid"] = tenant.Id.ToString(),
            ["uti"] = Base64Url.Encode(Guid.NewGuid().ToByteArray()),
            ["ver"] = "1.0",
        };
        if (user is null)
        {
            // "Access token claims reference": for an app-only token oid is the object id of the app's service
            // principal in the issuing tenant (never the application id, which is appid), and sub is the same
            // principal (Entra sends the same value in both for app-only tokens).
            var principal = app.ServicePrincipalId(tenant.Id).ToString();
            claims["oid"] = principal;
            claims["sub"] = principal;
            claims["roles"] = new JsonArray(permissions.Select(p => (JsonNode)p).ToArray());
            claims["idtyp"] = "app";
        }
        else
        {
            claims["oid"] = user.Id.ToString();
            claims["sub"] = user.Id.ToString("N");
            claims["upn"] = user.UserPrincipalName;
            claims["unique_name"] = user.UserPrincipalName;
            claims["name"] = user.DisplayName;
            claims["scp"] = string.Join(' ', permissions);
            claims["amr"] = mfa ? new JsonArray("pwd", "mfa") : new JsonArray("pwd");
            claims["idtyp"] = "user";
            if (user.TenantId != tenant.Id)
            {
                // A GDAP admin agent acts in the customer tenant as a foreign principal from the partner.
                claims["idp"] = $"https://sts.windows.net/{user.TenantId}/";
                claims["altsecid"] = $"5::{user.Id:N}";
            }
        }

        var token = Jwt.Sign(claims, keys);
        state.Record(token);
        state.AccessTokensIssued.AddOrUpdate((tenant.Id, audience), 1, (_, n) => n + 1);
        return token;
    }

    public string IdToken(SandboxTenant tenant, SandboxUser user, SandboxApplication app, string? nonce)
    {
        var now = clock.GetUtcNow();
        var claims = new JsonObject
        {
            ["aud"] = app.ClientId.ToString(),
            ["iss"] = Issuer(tenant.Id),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddHours(1).ToUnixTimeSeconds(),
            ["name"] = user.DisplayName,
            ["oid"] = user.Id.ToString(),
            ["preferred_username"] = user.UserPrincipalName,
            ["sub"] = Base64Url.Encode(Encoding.UTF8.GetBytes($"{user.Id:N}{app.ClientId:N}"))[..43],
            ["tid"] = tenant.Id.ToString(),
            ["ver"] = "2.0",
        };
        if (nonce is not null)
        {
            claims["nonce"] = nonce;
        }

        if (app.GroupClaims.TryGetValue(user.Id, out var groups) && groups.Length > 0)
        {
            claims["groups"] = new JsonArray([.. groups.Select(g => (JsonNode)g.ToString())]);
        }

        if (app.AppRoleAssignments.TryGetValue(user.Id, out var roles) && roles.Length > 0)
        {
            claims["roles"] = new JsonArray([.. roles.Select(r => (JsonNode)r)]);
        }

        var token = Jwt.Sign(claims, keys);
        state.Record(token);
        return token;
    }

    /// <summary>MSAL keys its cache on client_info; utid is always the user's home tenant.</summary>
    public static string ClientInfo(SandboxUser user) =>
        Base64Url.Encode(Encoding.UTF8.GetBytes(new JsonObject { ["uid"] = user.Id.ToString(), ["utid"] = user.TenantId.ToString() }.ToJsonString()));

    /// <summary>A refresh token bound to the kind of client that obtained it: one from a public client flow (device
    /// code) can only be redeemed by a public client, one from a confidential client only with its credential.</summary>
    public string RefreshToken(SandboxUser user, SandboxApplication app, bool mfa, bool publicClient = false)
    {
        var token = new SealedGrant("rt", user.Id, app.ClientId, clock.GetUtcNow().ToUnixTimeSeconds(), mfa, PublicClient: publicClient).Seal(keys, RefreshTokenPrefix);
        state.Record(token);
        return token;
    }

    public string AuthorizationCode(SealedGrant grant) => grant.Seal(keys, CodePrefix);

    public SealedGrant? ReadRefreshToken(string value) => SealedGrant.Unseal(value, keys, RefreshTokenPrefix);

    public SealedGrant? ReadCode(string value) => SealedGrant.Unseal(value, keys, CodePrefix);
}
