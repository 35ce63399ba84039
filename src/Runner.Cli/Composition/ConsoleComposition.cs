using Runner.Configuration;
using Runner.Runtime;
using Runner.Web.Data;

namespace Runner.Cli.Composition;

/// <summary>
/// The console's sources from a CLI context: history and the scheduler store as `runner history` and `runner jobs`
/// open them, and a session (for the cached customer list and the credential's status) opened once at start.
/// </summary>
internal static class ConsoleComposition
{
    public static async Task<ConsoleSources> OpenAsync(CliContext context, RunnerConfig config, CancellationToken cancellation)
    {
        var session = await context.OpenSessionAsync(config, cancellation);
        var access = new StoreAccess(context, config);
        Runner.Web.Access.ConsoleSignIn? signIn = null;
        if (config.Web.SignIn is { } web)
        {
            var resolver = new Runner.Secrets.SecretResolver(session.Secrets, context.Console.Environment);
            var (clientId, secret) = web.UsesPartnerApp
                ? await PartnerAppAsync(config, session, resolver, context, cancellation)
                : (web.ClientId!, await resolver.ResolveAsync(web.ClientSecret!, "web.signIn.clientSecret", cancellation));
            context.Redactor.Add(secret);
            signIn = new Runner.Web.Access.ConsoleSignIn(new Uri(session.Cloud.Endpoints.Login, $"{session.Broker.PartnerTenant}/v2.0"), clientId, secret, session.Http.Handler);
        }

        return new ConsoleSources
        {
            Config = config,
            History = session.History,
            OpenScheduler = access.OpenSchedulerAsync,
            HostRunning = access.HostRunningAsync,
            Tenants = c => session.Tenants.GetAsync(refresh: false, c),
            Credential = c => CredentialKeeper.StatusAsync(session, c),
            Secrets = session.Secrets,
            Redactor = context.Redactor,
            Time = session.Services.Time,
            SignIn = signIn,
        };
    }

    private static async Task<(string ClientId, string Secret)> PartnerAppAsync(RunnerConfig config, RunnerSession session, Runner.Secrets.SecretResolver resolver, CliContext context, CancellationToken cancellation)
    {
        var app = await PartnerApplications.ResolveAsync(config, session.Cloud, resolver, context.Redactor, cancellation);
        return app.ClientSecret is { } secret
            ? (app.ClientId, secret)
            : throw new ConfigException(config.FilePath, 0, 0, "web.signIn", "partnerApp signs in with the partner application's client secret; this partner application uses a certificate. Give the console its own app registration (clientId and clientSecret).");
    }
}
