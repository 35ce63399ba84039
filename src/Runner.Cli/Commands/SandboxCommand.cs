using System.CommandLine;
using Runner.Cli.Composition;
using Runner.Cli.Rendering;
using Runner.Sandbox;
using Runner.State;

namespace Runner.Cli.Commands;

/// <summary>runner sandbox: the local cloud, standalone, until Ctrl+C. Prints its endpoints, CA and how to connect.</summary>
internal static class SandboxCommand
{
    public static Command Create(CliConsole console)
    {
        var port = new Option<int>("--port") { Description = "Port on loopback (default: a free one).", DefaultValueFactory = _ => 0 };
        var customers = new Option<int>("--customers") { Description = "Customer tenants to seed, 1 to 5,000.", DefaultValueFactory = _ => 10 };
        var seed = new Option<int>("--seed") { Description = "Seed of the generated data.", DefaultValueFactory = _ => 42 };
        var data = new Option<string?>("--data") { Description = "Folder for the CA, keys and app secret (default .runner/sandbox-standalone)." };
        var command = new Command("sandbox", "Run the local cloud (Entra ID, Partner Center, ARM, Graph, Key Vault) standalone.") { port, customers, seed, data };
        command.SetAction(async (parse, cancellation) =>
        {
            var verbose = parse.GetValue(GlobalOptions.Verbose);
            await using var context = new CliContext(console, parse.GetValue(GlobalOptions.Config), verbose);
            try
            {
                var folder = Path.GetFullPath(parse.GetValue(data) ?? Path.Combine(".runner", "sandbox-standalone"), console.CurrentDirectory);
                await using var host = await SandboxHost.StartAsync(new SandboxOptions
                {
                    Port = parse.GetValue(port),
                    Customers = parse.GetValue(customers),
                    Seed = parse.GetValue(seed),
                    DataDirectory = folder,
                }, cancellation);
                var secretFile = Path.Combine(folder, "app-secret");
                AtomicFile.WriteText(secretFile, host.ClientSecret, ownerOnly: true);
                var url = host.BaseUri.AbsoluteUri;
                await console.Output.WriteLineAsync($$"""
                    Runner sandbox listening on {{url}}
                      Entra ID        {{url}}{{host.PartnerTenantId}}/oauth2/v2.0/  (any tenant id or domain)
                      Partner Center  {{url}}v1/
                      Resource Mgr    {{url}}subscriptions
                      Graph           {{url}}v1.0/
                      Key Vault       {{url}}secrets/
                      Admin           {{url}}_sandbox/  (counters, faults, clock)
                    CA certificate    {{host.CaCertificatePath}}
                    Other processes trust it with:
                      export SSL_CERT_FILE={{host.CaCertificatePath}}

                    Partner           {{host.PartnerName}} ({{host.PartnerDomain}}), tenant {{host.PartnerTenantId}}
                    Partner admin     {{host.AdminUserPrincipalName}}
                    Application id    {{host.ClientId}}
                    Client secret     in {{secretFile}} (mode 0600)
                    Customers         {{host.Customers.Count}}

                    To use it from another runner.yaml:
                      cloud: custom
                      endpoints: { login: {{url}}, partnerCenter: {{url}}, resourceManager: {{url}}, graph: {{url}}, caFile: {{host.CaCertificatePath}} }
                      partner: { tenant: {{host.PartnerTenantId}}, clientId: {{host.ClientId}}, clientSecret: secret:app-secret }
                    then: runner secret set app-secret < {{secretFile}}
                          runner consent

                    Press Ctrl+C to stop.
                    """);
                await console.Output.FlushAsync(cancellation);
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellation);
                }
                catch (OperationCanceledException)
                {
                }

                return ExitCodes.Success;
            }
            catch (Exception e)
            {
                return Failures.Report(e, console, context.Redactor, verbose);
            }
        });
        return command;
    }
}
