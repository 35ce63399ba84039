using System.CommandLine;
using Runner.Cli.Composition;
using Runner.Cli.Rendering;
using Runner.Tenants;
using Spectre.Console;

namespace Runner.Cli.Commands;

/// <summary>runner tenants: the partner's customers and the state of GDAP access to each.</summary>
internal static class TenantsCommand
{
    public static Command Create(CliConsole console)
    {
        var refresh = new Option<bool>("--refresh") { Description = "Reload the customer list from Partner Center instead of the cache." };
        var command = new Command("tenants", "List customer tenants and the partner's GDAP access to each.") { refresh };
        command.SetAction(async (parse, cancellation) =>
        {
            var verbose = parse.GetValue(GlobalOptions.Verbose);
            await using var context = new CliContext(console, parse.GetValue(GlobalOptions.Config), verbose);
            try
            {
                var config = context.LoadConfig();
                var session = await context.OpenSessionAsync(config, cancellation);
                var tenants = await session.Tenants.GetAsync(parse.GetValue(refresh), cancellation);
                var now = session.Services.Time.GetUtcNow();
                var table = new Table().Border(TableBorder.Rounded);
                table.AddColumns("Company", "Domain", "Tenant id", "GDAP", "Ends");
                foreach (var tenant in tenants.OrderBy(t => t.CompanyName, StringComparer.OrdinalIgnoreCase))
                {
                    var skip = TenantSelector.SkipReason(tenant, now);
                    var gdap = skip is null ? $"[green]{tenant.Gdap.Status}[/]" : $"[yellow]{Markup.Escape(tenant.Gdap.Status)}[/]";
                    table.AddRow(Markup.Escape(tenant.CompanyName), Markup.Escape(tenant.Domain), tenant.Id.ToString(), gdap,
                        tenant.Gdap.EndDateTime is { } end ? end.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : "");
                }

                console.Out.Write(table);
                console.Out.WriteLine($"{tenants.Count} customers; {tenants.Count(t => TenantSelector.SkipReason(t, now) is null)} reachable.");
                await session.Broker.FlushAsync(cancellation);
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
