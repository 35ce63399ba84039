using Microsoft.AspNetCore.Http;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Identity;

/// <summary>
/// GET /{tenant}/oauth2/v2.0/authorize: checks the request as Entra does, then starts the sign-in pages. Errors
/// about the application or its redirect URI are shown on the page (redirecting there would be unsafe); every
/// later error goes back to the redirect URI as error and error_description.
/// </summary>
internal sealed class AuthorizeEndpoint(SandboxContext context)
{
    public async Task Handle(HttpContext http)
    {
        var tenantName = (string)http.Request.RouteValues["tenant"]!;
        var query = http.Request.Query;
        var now = context.Clock.GetUtcNow();
        var app = context.Directory.Application;
        var clientId = query["client_id"].ToString();
        if (clientId.Length == 0)
        {
            await SignInPages.Error(http, Describe(http, EntraError.MissingParameter("client_id"), now));
            return;
        }

        if (!Guid.TryParse(clientId, out var id) || id != app.ClientId)
        {
            await SignInPages.Error(http, Describe(http, EntraError.UnknownApplication(clientId, tenantName), now));
            return;
        }

        var redirectUri = query["redirect_uri"].ToString();
        if (redirectUri.Length == 0 || !RedirectUris.IsRegistered(app.RedirectUris, redirectUri))
        {
            await SignInPages.Error(http, Describe(http, EntraError.RedirectUriMismatch(redirectUri, app.ClientId), now));
            return;
        }

        if (!IsAlias(tenantName) && context.Directory.FindTenant(tenantName) is null)
        {
            await SignInPages.Error(http, Describe(http, EntraError.TenantNotFound(tenantName), now));
            return;
        }

        var mode = query["response_mode"].ToString();
        var flow = new SignInFlow(
            "code",
            tenantName,
            app.ClientId,
            query["scope"].ToString(),
            "password",
            (now + SignInFlow.Lifetime).ToUnixTimeSeconds(),
            RedirectUri: redirectUri,
            ResponseMode: mode is "form_post" or "fragment" ? mode : "query",
            State: query.TryGetValue("state", out var state) ? state.ToString() : null,
            Nonce: query.TryGetValue("nonce", out var nonce) ? nonce.ToString() : null,
            CodeChallenge: NullIfEmpty(query["code_challenge"].ToString()),
            CodeChallengeMethod: NullIfEmpty(query["code_challenge_method"].ToString()),
            LoginHint: NullIfEmpty(query["login_hint"].ToString()));

        var error = Check(query, flow);
        if (error is not null)
        {
            await SignInEndpoint.RedirectError(http, context, flow, error);
            return;
        }

        await SignInPages.SignIn(http, SignInEndpoint.Action(tenantName), flow.Seal(context.Keys), flow.LoginHint, null);
    }

    private static EntraError? Check(IQueryCollection query, SignInFlow flow)
    {
        var responseType = query["response_type"].ToString();
        if (responseType != "code")
        {
            return responseType.Length == 0 ? EntraError.MissingParameter("response_type") : EntraError.UnsupportedResponseType(responseType);
        }

        var mode = query["response_mode"].ToString();
        if (mode is not ("" or "query" or "fragment" or "form_post"))
        {
            return EntraError.UnsupportedResponseMode(mode);
        }

        if (flow.Scope.Length == 0)
        {
            return EntraError.MissingParameter("scope");
        }

        var scope = KnownResources.Parse(flow.Scope);
        foreach (var (resource, _) in scope.Resources)
        {
            if (!KnownResources.TryResolve(resource, out _, out _))
            {
                return EntraError.UnknownResource(resource, flow.Tenant);
            }
        }

        if (query["prompt"] == "none")
        {
            // No browser session survives between sandbox sign-ins, so silent sign-in always needs interaction.
            return new EntraError(400, "login_required", 50058, "A silent sign-in request was sent but no user is signed in.");
        }

        return Pkce.CheckChallenge(flow.CodeChallenge, flow.CodeChallengeMethod);
    }

    internal static bool IsAlias(string tenant) => tenant is "common" or "organizations";

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static string Describe(HttpContext http, EntraError error, DateTimeOffset now) =>
        error.Description(Guid.NewGuid().ToString(), http.Request.Headers["client-request-id"].FirstOrDefault() ?? Guid.NewGuid().ToString(), now);
}
