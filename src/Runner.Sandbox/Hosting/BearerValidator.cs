using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Runner.Sandbox.Data;
using Runner.Sandbox.Identity;

namespace Runner.Sandbox.Hosting;

/// <summary>Who called an API, from a bearer token the sandbox issued.</summary>
internal sealed record ApiCaller(SandboxTenant Tenant, SandboxUser? User, Guid AppId, IReadOnlySet<string> Permissions, bool Mfa)
{
    public bool IsApp => User is null;
}

/// <summary>The outcome of checking a bearer token: the caller, or why it was refused.</summary>
internal readonly record struct BearerCheck(ApiCaller? Caller, string Code, string Message)
{
    public bool Succeeded => Caller is not null;
}

/// <summary>Checks signature, lifetime, audience and tenant of the bearer token on an API request.</summary>
internal sealed class BearerValidator(SandboxContext context)
{
    public BearerCheck Validate(HttpContext http, string resource)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            return new BearerCheck(null, "InvalidAuthenticationToken", "Access token is empty.");
        }

        var claims = Jwt.Verify(header[7..].Trim(), context.Keys);
        if (claims is null)
        {
            return new BearerCheck(null, "InvalidAuthenticationToken", "Access token validation failure. Invalid signature or malformed token.");
        }

        var now = context.Clock.GetUtcNow().ToUnixTimeSeconds();
        if ((long?)claims["exp"] is not { } exp || exp <= now)
        {
            return new BearerCheck(null, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.");
        }

        if ((long?)claims["nbf"] is { } nbf && nbf > now + 300)
        {
            return new BearerCheck(null, "InvalidAuthenticationToken", "Lifetime validation failed, the token is not yet valid.");
        }

        var audience = (string?)claims["aud"];
        if (!KnownResources.AudienceMatches(audience, resource))
        {
            return new BearerCheck(null, "InvalidAuthenticationTokenAudience",
                $"The access token has been obtained for wrong audience or resource '{audience}'. It should exactly match with one of the allowed audiences '{resource}', '{resource}/'.");
        }

        if (!Guid.TryParse((string?)claims["tid"], out var tenantId) || context.Directory.FindTenant(tenantId) is not { } tenant)
        {
            return new BearerCheck(null, "InvalidAuthenticationTokenTenant", "The access token is from a tenant that does not exist.");
        }

        SandboxUser? user = null;
        if ((string?)claims["idtyp"] != "app")
        {
            if (!Guid.TryParse((string?)claims["oid"], out var oid) || FindUser(oid) is not { } found)
            {
                return new BearerCheck(null, "InvalidAuthenticationToken", "The user in the access token does not exist.");
            }

            user = found;
        }

        var permissions = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in ((string?)claims["scp"] ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            permissions.Add(p);
        }

        if (claims["roles"] is JsonArray roles)
        {
            foreach (var role in roles)
            {
                permissions.Add((string?)role ?? "");
            }
        }

        var mfa = claims["amr"] is JsonArray amr && amr.Any(a => (string?)a == "mfa");
        Guid.TryParse((string?)claims["appid"], out var appId);
        return new BearerCheck(new ApiCaller(tenant, user, appId, permissions, mfa), "", "");
    }

    private SandboxUser? FindUser(Guid oid)
    {
        var admin = context.Directory.PartnerAdmin;
        if (admin.Id == oid)
        {
            return admin;
        }

        var content = context.Directory.Partner.Content;
        lock (content.Sync)
        {
            // Graph can add and delete the partner tenant's own users meanwhile.
            return content.Users.FirstOrDefault(u => u.Id == oid);
        }
    }
}
