using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Identity;

/// <summary>
/// POST /{tenant}/login: the steps of an interactive sign-in — password, second factor (TOTP), consent — and the
/// end of it: an authorization code sent to the redirect URI, or a device code sign-in marked approved.
/// </summary>
internal sealed class SignInEndpoint(SandboxContext context)
{
    public static string Action(string tenant) => $"/{Uri.EscapeDataString(tenant)}/login";

    public async Task Handle(HttpContext http)
    {
        var now = context.Clock.GetUtcNow();
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var flow = SignInFlow.Unseal(form["flow"], context.Keys);
        if (flow is null || now.ToUnixTimeSeconds() > flow.ExpiresAtUnix)
        {
            await SignInPages.Error(http, EntraError.SignInExpired().Description(Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), now));
            return;
        }

        var admin = context.Directory.PartnerAdmin;
        var action = Action(flow.Tenant);
        switch (flow.Stage)
        {
            case "password":
                var login = form["login"].ToString().Trim();
                if (!string.Equals(login, admin.UserPrincipalName, StringComparison.OrdinalIgnoreCase))
                {
                    await SignInPages.SignIn(http, action, flow.Seal(context.Keys), login,
                        "We couldn't find an account with that username. Try another, or sign in as the sandbox partner admin " + admin.UserPrincipalName + ". (AADSTS50034)");
                    return;
                }

                if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(form["passwd"].ToString()), Encoding.UTF8.GetBytes(SandboxCredentials.AdminPassword)))
                {
                    await SignInPages.SignIn(http, action, flow.Seal(context.Keys), login, "Your account or password is incorrect. (AADSTS50126)");
                    return;
                }

                await SignInPages.Mfa(http, action, (flow with { Stage = "mfa", UserId = admin.Id }).Seal(context.Keys), admin.UserPrincipalName, null);
                return;

            case "mfa":
                if (!Totp.Verify(Totp.DecodeBase32(SandboxCredentials.TotpSecret), form["otc"], now))
                {
                    await SignInPages.Mfa(http, action, flow.Seal(context.Keys), admin.UserPrincipalName, "You didn't enter the expected verification code. Please try again.");
                    return;
                }

                var consent = flow with { Stage = "consent", Mfa = true };
                await SignInPages.Consent(http, action, consent.Seal(context.Keys), admin.UserPrincipalName, context.Directory.Application.DisplayName, Permissions(flow.Scope));
                return;

            case "consent" when flow.UserId == admin.Id:
                if (form["action"] == "accept")
                {
                    await Complete(http, flow, now);
                }
                else
                {
                    await Decline(http, flow);
                }

                return;

            default:
                await SignInPages.Error(http, EntraError.SignInExpired().Description(Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), now));
                return;
        }
    }

    private async Task Complete(HttpContext http, SignInFlow flow, DateTimeOffset now)
    {
        var app = context.Directory.Application;
        if (flow.Kind == "device")
        {
            if (context.Identity.DeviceAuthorizations.TryGetValue(flow.UserCode!, out var device) && device.Status == "pending" && device.ExpiresAt > now)
            {
                device.UserId = flow.UserId;
                device.Mfa = flow.Mfa;
                device.Status = "approved";
                await SignInPages.DeviceDone(http, app.DisplayName, approved: true);
            }
            else
            {
                await SignInPages.Error(http, EntraError.DeviceCodeExpired().Description(Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), now));
            }

            return;
        }

        var tenant = AuthorizeEndpoint.IsAlias(flow.Tenant) ? null : context.Directory.FindTenant(flow.Tenant);
        var grant = new SealedGrant("code", flow.UserId!.Value, app.ClientId, now.ToUnixTimeSeconds(), flow.Mfa, flow.Scope, flow.RedirectUri,
            flow.CodeChallenge, tenant?.Id, flow.Nonce, flow.CodeChallengeMethod ?? (flow.CodeChallenge is null ? null : "plain"));
        var code = context.Issuer.AuthorizationCode(grant);
        context.Identity.Record(code);
        var fields = new List<KeyValuePair<string, string>> { new("code", code) };
        if (flow.State is not null)
        {
            fields.Add(new("state", flow.State));
        }

        fields.Add(new("session_state", Guid.NewGuid().ToString()));
        await Redirect(http, flow, fields);
    }

    private async Task Decline(HttpContext http, SignInFlow flow)
    {
        if (flow.Kind == "device")
        {
            if (context.Identity.DeviceAuthorizations.TryGetValue(flow.UserCode!, out var device) && device.Status == "pending")
            {
                device.Status = "declined";
            }

            await SignInPages.DeviceDone(http, context.Directory.Application.DisplayName, approved: false);
            return;
        }

        await RedirectError(http, context, flow, EntraError.UserDeclinedConsent());
    }

    /// <summary>Sends an error back to the (already validated) redirect URI, as Entra does.</summary>
    public static Task RedirectError(HttpContext http, SandboxContext context, SignInFlow flow, EntraError error)
    {
        var now = context.Clock.GetUtcNow();
        var fields = new List<KeyValuePair<string, string>>
        {
            new("error", error.Error),
            new("error_description", error.Description(Guid.NewGuid().ToString(), http.Request.Headers["client-request-id"].FirstOrDefault() ?? Guid.NewGuid().ToString(), now)),
            new("error_uri", $"https://login.microsoftonline.com/error?code={error.Code}"),
        };
        if (flow.State is not null)
        {
            fields.Add(new("state", flow.State));
        }

        return Redirect(http, flow, fields);
    }

    private static Task Redirect(HttpContext http, SignInFlow flow, List<KeyValuePair<string, string>> fields)
    {
        // Entra returns a redirect URI without a path with a trailing slash: http://localhost:8400 → http://localhost:8400/.
        var target = new Uri(flow.RedirectUri!).AbsoluteUri;
        if (flow.ResponseMode == "form_post")
        {
            return SignInPages.FormPost(http, target, fields);
        }

        string location;
        if (flow.ResponseMode == "fragment")
        {
            location = target + "#" + string.Join('&', fields.Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value)}"));
        }
        else
        {
            location = QueryHelpers.AddQueryString(target, fields!);
        }

        http.Response.StatusCode = StatusCodes.Status302Found;
        http.Response.Headers.Location = location;
        http.Response.Headers.CacheControl = "no-store, no-cache";
        return Task.CompletedTask;
    }

    private static IEnumerable<string> Permissions(string scope)
    {
        var request = KnownResources.Parse(scope);
        foreach (var (resource, permission) in request.Resources)
        {
            yield return $"{permission} on {resource}";
        }

        if (request.OidcScopes.Contains("openid") || request.OidcScopes.Contains("profile"))
        {
            yield return "Sign you in and read your profile";
        }
    }
}
