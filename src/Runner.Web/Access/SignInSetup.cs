using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Runner.Configuration;

namespace Runner.Web.Access;

/// <summary>
/// Authentication when web.signIn is configured: browsers sign in with OpenID Connect (auth code + PKCE, the standard
/// ASP.NET Core handler) and keep a cookie; API callers send an Entra bearer token for the console's app or an API
/// key. The user's role comes from web.roles, matched against the id_token's name, groups and app roles.
/// </summary>
internal static class SignInSetup
{
    public const string Cookies = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string Oidc = OpenIdConnectDefaults.AuthenticationScheme;
    public const string Bearer = JwtBearerDefaults.AuthenticationScheme;
    private const string Select = "select";

    public static void Add(IServiceCollection services, ConsoleSignIn signIn, WebSettings web)
    {
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = Select;
                o.DefaultChallengeScheme = Select;
            })
            .AddPolicyScheme(Select, "API key, bearer token or browser sign-in", o => o.ForwardDefaultSelector = http =>
                ApiKeys.FromRequest(http.Request) is not null ? ConsoleAuthentication.SchemeName
                : http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? Bearer
                : http.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal) ? ConsoleAuthentication.SchemeName
                : Cookies)
            .AddScheme<AuthenticationSchemeOptions, ConsoleAuthentication>(ConsoleAuthentication.SchemeName, null)
            .AddCookie(Cookies, o =>
            {
                o.Cookie.Name = "runner-session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.ForwardChallenge = Oidc;
                o.AccessDeniedPath = "/denied";
            })
            .AddOpenIdConnect(Oidc, o =>
            {
                o.Authority = signIn.Authority.AbsoluteUri.TrimEnd('/');
                o.ClientId = signIn.ClientId;
                o.ClientSecret = signIn.ClientSecret;
                o.ResponseType = OpenIdConnectResponseType.Code;
                // The query, not form_post: the callback then needs no cross-site POST, so the session cookie can stay SameSite=Lax.
                o.ResponseMode = OpenIdConnectResponseMode.Query;
                o.UsePkce = true;
                o.SaveTokens = false;
                o.MapInboundClaims = false;
                o.Scope.Clear();
                o.Scope.Add("openid");
                o.Scope.Add("profile");
                o.BackchannelHttpHandler = new NonDisposing(signIn.Backchannel);
                o.RequireHttpsMetadata = true;
                o.TokenValidationParameters.NameClaimType = "preferred_username";
                o.TokenValidationParameters.RoleClaimType = "roles";
                o.Events.OnTokenValidated = context =>
                {
                    if (context.Principal?.Identity is ClaimsIdentity identity)
                    {
                        identity.AddClaim(new Claim(ConsoleRoles.RoleClaim, ConsoleRoles.Resolve(context.Principal, web).ToString()));
                    }

                    return Task.CompletedTask;
                };
            })
            .AddJwtBearer(Bearer, o =>
            {
                o.Authority = signIn.Authority.AbsoluteUri.TrimEnd('/');
                o.Audience = signIn.ClientId;
                o.BackchannelHttpHandler = new NonDisposing(signIn.Backchannel);
                o.MapInboundClaims = false;
                o.TokenValidationParameters.NameClaimType = "preferred_username";
                o.TokenValidationParameters.RoleClaimType = "roles";
                o.Events = new JwtBearerEvents
                {
                    OnTokenValidated = context =>
                    {
                        if (context.Principal?.Identity is ClaimsIdentity identity)
                        {
                            identity.AddClaim(new Claim(ConsoleRoles.RoleClaim, ConsoleRoles.Resolve(context.Principal, web).ToString()));
                        }

                        return Task.CompletedTask;
                    },
                };
            });
    }

    /// <summary>The session's shared handler must outlive the authentication handlers that borrow it.</summary>
    private sealed class NonDisposing(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override void Dispose(bool disposing)
        {
        }
    }
}
