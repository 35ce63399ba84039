using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Runner.Web.Data;

namespace Runner.Web.Access;

/// <summary>
/// Who is calling: an API key (`Authorization: ApiKey ...` or `X-Api-Key`) with its role, or, when runner.yaml
/// configures no sign-in (the console then listens on loopback only), the operator at this machine, who could run
/// the CLI anyway. Everyone else is anonymous and refused.
/// </summary>
internal sealed class ConsoleAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ConsoleSources sources)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "runner";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (ApiKeys.FromRequest(Request) is { } presented)
        {
            var key = await ApiKeys.VerifyAsync(sources.Secrets, presented, Context.RequestAborted);
            return key is null
                ? AuthenticateResult.Fail("The API key is not valid (unknown, revoked or mistyped).")
                : Success($"api key {key.Name}", key.Role, "apikey");
        }

        if (sources.Config.Web.SignIn is null && Context.Connection.RemoteIpAddress is { } address && System.Net.IPAddress.IsLoopback(address))
        {
            return Success($"{Environment.UserName} (this machine)", ConsoleRole.Operator, "loopback");
        }

        return AuthenticateResult.NoResult();
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Response.WriteAsync("Sign-in required: send an API key (Authorization: ApiKey KEY), or browse from this machine.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Response.WriteAsync("Your Runner role does not allow this.");
    }

    private AuthenticateResult Success(string name, ConsoleRole role, string method)
    {
        var identity = new ClaimsIdentity([new Claim("preferred_username", name), new Claim(ConsoleRoles.RoleClaim, role.ToString())], method, "preferred_username", ConsoleRoles.RoleClaim);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
