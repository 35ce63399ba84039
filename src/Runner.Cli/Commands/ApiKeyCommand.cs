using System.CommandLine;
using Runner.Cli.Composition;
using Runner.Cli.Rendering;
using Runner.Web.Access;

namespace Runner.Cli.Commands;

/// <summary>runner apikey create NAME --role operator|viewer: a key for the console's API, shown once, stored hashed.</summary>
internal static class ApiKeyCommand
{
    public static Command Create(CliConsole console)
    {
        var name = new Argument<string>("name") { Description = "What the key is for (letters, digits and dashes), e.g. psa-sync." };
        var role = new Option<string>("--role") { Description = "operator (runs, pauses, resumes) or viewer (reads).", DefaultValueFactory = _ => "viewer" };
        role.AcceptOnlyFromAmong("operator", "viewer");
        var create = new Command("create", CommandHelp.With("Make an API key for /api/v1; it is printed once and stored only as a hash in the secret store.", "runner apikey create grafana --role viewer")) { name, role };
        create.SetAction(async (parse, cancellation) =>
        {
            var verbose = GlobalOptions.Verbose(parse);
            await using var context = new CliContext(console, GlobalOptions.Config(parse), verbose);
            try
            {
                var keyName = parse.GetValue(name)!;
                var config = context.LoadConfig();
                var store = context.OpenSecretStore(config);
                var chosen = parse.GetValue(role) == "operator" ? ConsoleRole.Operator : ConsoleRole.Viewer;
                string key;
                try
                {
                    key = await ApiKeys.CreateAsync(store, keyName, chosen, context.Services.Time.GetUtcNow(), cancellation);
                }
                catch (ArgumentException e)
                {
                    throw new UsageException(e.Message.Split(" (Parameter", 2)[0]);
                }

                await console.Error.WriteLineAsync($"API key '{keyName}' ({chosen}) stored as a hash in the {store.Kind} secret store. It is shown once, below: keep it in your caller's secret store.");
                await console.Output.WriteLineAsync(key);
                return ExitCodes.Success;
            }
            catch (Exception e)
            {
                return Failures.Report(e, console, context.Redactor, verbose);
            }
        });
        var revokeName = new Argument<string>("name") { Description = "The key to revoke." };
        var revoke = new Command("revoke", CommandHelp.With("Revoke an API key: calls with it are refused from now on.", "runner apikey revoke grafana")) { revokeName };
        revoke.SetAction(async (parse, cancellation) =>
        {
            var verbose = GlobalOptions.Verbose(parse);
            await using var context = new CliContext(console, GlobalOptions.Config(parse), verbose);
            try
            {
                var keyName = parse.GetValue(revokeName)!;
                var config = context.LoadConfig();
                if (!await ApiKeys.RevokeAsync(context.OpenSecretStore(config), keyName, context.Services.Time.GetUtcNow(), cancellation))
                {
                    throw new UsageException($"There is no API key named '{keyName}' (or it is already revoked).");
                }

                await console.Error.WriteLineAsync($"API key '{keyName}' revoked.");
                return ExitCodes.Success;
            }
            catch (Exception e)
            {
                return Failures.Report(e, console, context.Redactor, verbose);
            }
        });

        return new Command("apikey", CommandHelp.With("Manage API keys for the console's REST API.", "runner apikey create ci-pipeline --role operator", "runner apikey revoke ci-pipeline")) { create, revoke };
    }
}
