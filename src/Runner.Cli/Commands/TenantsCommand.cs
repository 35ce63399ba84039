using System.CommandLine;
using Runner.Cli.Composition;
using Runner.Cli.Rendering;
using Runner.Configuration;
using Runner.Tenants;

namespace Runner.Cli.Commands;

/// <summary>runner tenants [--check]: the partner's customers and GDAP access to each; with --check, whether each
/// tenant's Partner Center, Graph and ARM tokens can be had.</summary>
internal static class TenantsCommand
{
    public static Command Create(CliConsole console)
    {
        var refresh = new Option<bool>("--refresh", "--refresh-tenants") { Description = "Reload the customer list from Partner Center instead of the cache." };
        var check = new Option<bool>("--check") { Description = "Try each tenant's Partner Center, Graph and ARM token and show what is missing (GDAP, consent, MFA)." };
        var parallel = new Option<int?>("--parallel") { Description = "Tenants checked at the same time (default from runner.yaml)." };
        var output = new Option<OutputFormat?>("--output", "-o") { Description = "table, json or csv." };
        var command = new Command("tenants", CommandHelp.With("List customer tenants and the partner's access to each.", "runner tenants --check")) { refresh, check, parallel, output };
        command.SetAction(async (parse, cancellation) =>
        {
            var verbose = GlobalOptions.Verbose(parse);
            await using var context = new CliContext(console, GlobalOptions.Config(parse), verbose);
            try
            {
                var config = context.LoadConfig();
                var format = parse.GetValue(output) ?? OutputFormat.Table;
                if (parse.GetValue(parallel) is < 1 or > 1024)
                {
                    throw new UsageException($"--parallel must be between 1 and 1024, found {parse.GetValue(parallel)}.");
                }

                var session = await context.OpenSessionAsync(config, cancellation);
                var tenants = await session.Tenants.GetAsync(parse.GetValue(refresh), cancellation);
                var now = session.Services.Time.GetUtcNow();
                if (!parse.GetValue(check))
                {
                    TenantsRenderer.WriteList(tenants, now, format, console.Output, console.Out);
                    await session.Broker.FlushAsync(cancellation);
                    return ExitCodes.Success;
                }

                // The partner's own credential first: if it needs an operator, every tenant would say the same.
                await session.Broker.GetTokenAsync(session.Broker.PartnerTenant, session.Cloud.Endpoints.PartnerCenterScope, cancellation);
                var checker = new TenantAccessCheck(session.Broker, session.Clients, session.Cloud.Endpoints, session.Services.Time);
                var rows = await checker.CheckAsync(tenants, parse.GetValue(parallel) ?? config.Defaults.Parallel, cancellation);
                await session.Broker.FlushAsync(cancellation);
                TenantsRenderer.WriteCheck(rows, now, format, console.Output, console.Out);
                return rows.All(r => r.IsHealthy) ? ExitCodes.Success : ExitCodes.TenantsFailed;
            }
            catch (Exception e)
            {
                return Failures.Report(e, console, context.Redactor, verbose);
            }
        });
        return command;
    }
}
