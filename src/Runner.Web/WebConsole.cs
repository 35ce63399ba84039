using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using OpenTelemetry.Metrics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Runner.Web.Access;
using Runner.Web.Api;
using Runner.Web.Data;
using Runner.Web.Pages;

namespace Runner.Web;

/// <summary>
/// The operator console: server-rendered pages, the REST API under /api/v1 and /healthz, on Kestrel at web.listen.
/// Served by `runner web` alone or by `runner host` next to the scheduler.
/// </summary>
internal static class WebConsole
{
    public const string ViewerPolicy = "viewer";
    public const string OperatorPolicy = "operator";

    public static WebApplication Build(ConsoleSources sources, ILoggerProvider? logs, Uri? listenOverride = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
            // The cookie keys are kept unencrypted in the owner-only state folder, like the history and the token
            // cache's key; the framework's warning about that on every start says nothing an operator must act on.
            builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        }

        var listen = listenOverride ?? sources.Config.Web.Listen;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        builder.WebHost.UseUrls(listen.GetLeftPart(UriPartial.Authority));
        builder.Services.AddSingleton(sources);
        // /metrics for Prometheus: this process's meters (a host's runs, tenants, fire latency, credential, GDAP).
        builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(Runner.Telemetry.RunnerTelemetry.Name).AddPrometheusExporter());
        // Antiforgery (and sign-in) cookies are protected with keys kept in the state folder, owner-only like the rest
        // of it, so a restart does not invalidate open forms; never in the user's home folder.
        var keys = new DirectoryInfo(Path.Combine(sources.Config.StateDirectory, "web-keys"));
        if (!keys.Exists)
        {
            keys.Create();
            if (!OperatingSystem.IsWindows())
            {
                keys.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            }
        }

        builder.Services.AddDataProtection().SetApplicationName("Runner").PersistKeysToFileSystem(keys);
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "runner-antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.FormFieldName = "__antiforgery";
        });
        if (sources.SignIn is { } signIn)
        {
            SignInSetup.Add(builder.Services, signIn, sources.Config.Web);
        }
        else
        {
            builder.Services.AddAuthentication(ConsoleAuthentication.SchemeName)
                .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ConsoleAuthentication>(ConsoleAuthentication.SchemeName, null);
        }

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ViewerPolicy, p => p.RequireAssertion(c => ConsoleRoles.Of(c.User) is ConsoleRole.Viewer or ConsoleRole.Operator))
            .AddPolicy(OperatorPolicy, p => p.RequireAssertion(c => ConsoleRoles.Of(c.User) == ConsoleRole.Operator));

        var app = builder.Build();
        app.Use(ServerTiming.Apply);
        app.Use(SecurityHeaders.Apply);
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/healthz", Health.Check);
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapGet("/assets/{name}", Assets.Serve);
        app.MapGet("/denied", Denied.Render).RequireAuthorization();
        app.MapGet("/signout", Denied.SignOut).RequireAuthorization();
        PageEndpoints.Map(app);
        ApiEndpoints.Map(app);
        return app;
    }
}
