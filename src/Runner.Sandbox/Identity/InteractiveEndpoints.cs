using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Identity;

/// <summary>Maps the interactive side of Entra ID: authorize, the sign-in pages, the device code flow, and
/// /_sandbox/mfa (loopback only) which shows the admin's current second-factor code.</summary>
internal sealed class InteractiveEndpoints(SandboxContext context)
{
    public void Map(IEndpointRouteBuilder routes)
    {
        var authorize = new AuthorizeEndpoint(context);
        var signIn = new SignInEndpoint(context);
        routes.MapGet("/{tenant}/oauth2/v2.0/authorize", (RequestDelegate)authorize.Handle);
        routes.MapPost("/{tenant}/login", (RequestDelegate)signIn.Handle);
        new DeviceCodeEndpoints(context).Map(routes);
        routes.MapGet("/_sandbox/mfa", (RequestDelegate)MfaCode);
    }

    private Task MfaCode(HttpContext http)
    {
        if (http.Connection.RemoteIpAddress is { } remote && !IPAddress.IsLoopback(remote))
        {
            http.Response.StatusCode = 403;
            return Task.CompletedTask;
        }

        var now = context.Clock.GetUtcNow();
        return http.WriteJson(new JsonObject
        {
            ["user"] = context.Directory.PartnerAdmin.UserPrincipalName,
            ["code"] = Totp.Code(Totp.DecodeBase32(SandboxCredentials.TotpSecret), now),
            ["secret"] = SandboxCredentials.TotpSecret,
            ["validForSeconds"] = 30 - (int)(now.ToUnixTimeSeconds() % 30),
        });
    }
}
