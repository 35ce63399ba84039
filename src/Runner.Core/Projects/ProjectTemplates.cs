using System.Reflection;

namespace Runner.Projects;

/// <summary>The files <c>runner init</c> writes.</summary>
internal static class ProjectTemplates
{
    /// <summary>jobs/hello.csx, the same script as in Runner's repository (embedded from it at build time).</summary>
    public static string HelloScript => Resource("Runner.Projects.hello.csx");

    /// <summary>A runner.yaml that runs against the built-in sandbox as it is, with the production keys commented.</summary>
    public static string RunnerYaml => $"""
        # Runner configuration: {DocsLinks.Page("configuration.md")}
        # Every value can be overridden with an environment variable RUNNER__SECTION__KEY (e.g. RUNNER__DEFAULTS__PARALLEL=32).

        # sandbox: a local stand-in for Entra ID, Partner Center, Azure Resource Manager and Microsoft Graph, started
        # inside runner and seeded with a fake partner and its customers. Try everything here first:
        #   runner run jobs/hello.csx --tenant all
        cloud: sandbox

        sandbox:
          customers: 10           # customer tenants seeded (2 in 10 without active GDAP, as in real life)

        # Production ({DocsLinks.Page("production.md")}): replace `cloud: sandbox` above by `cloud: public` (or usgov,
        # usgovdod, china) and describe your partner application registration:
        # partner:
        #   tenant: contoso-partner.onmicrosoft.com       # your partner tenant: its id or onmicrosoft.com domain
        #   clientId: 00000000-0000-0000-0000-000000000000  # the app registration's Application (client) ID
        #   clientSecret: secret:app-secret              # a reference, never the value: runner secret set app-secret
        # Then sign in once as a partner admin (Secure Application Model):  runner consent
        #
        # Where secrets live: the local encrypted file by default, or Azure Key Vault for a team:
        # secrets:
        #   store: keyvault
        #   vault: https://contoso-runner.vault.azure.net/

        state: .runner            # token cache, compiled scripts, run history (keep it out of git: see .gitignore)

        defaults:
          parallel: 8             # tenants at the same time
          timeout: "00:05:00"     # per tenant

        # Scheduled jobs, for `runner host` (Quartz cron, seconds first). `runner new NAME` prints the lines to add.
        jobs:
          hello:
            script: jobs/hello.csx
            schedule: "0 0 7 * * ?"   # every day at 07:00
            timeZone: UTC
            tenants: all

        """;

    private static string Resource(string name)
    {
        using var stream = typeof(ProjectTemplates).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The template {name} is missing from {typeof(ProjectTemplates).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
