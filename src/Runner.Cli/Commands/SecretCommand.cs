using System.CommandLine;
using Runner.Cli.Composition;
using Runner.Cli.Rendering;
using Runner.Secrets;

namespace Runner.Cli.Commands;

/// <summary>runner secret set NAME: puts a secret into the configured store, read from standard input so it never
/// appears on a command line or in shell history.</summary>
internal static class SecretCommand
{
    public static Command Create(CliConsole console)
    {
        var name = new Argument<string>("name") { Description = "The secret's name, as runner.yaml refers to it (secret:NAME): letters, digits and dashes." };
        var set = new Command("set", CommandHelp.With("Store a secret: typed at a terminal (not shown), or read from standard input when piped.", "runner secret set app-secret")) { name };
        set.SetAction(async (parse, cancellation) =>
        {
            var verbose = GlobalOptions.Verbose(parse);
            await using var context = new CliContext(console, GlobalOptions.Config(parse), verbose);
            try
            {
                var secretName = parse.GetValue(name)!;
                if (!SecretNames.IsValid(secretName))
                {
                    throw new UsageException($"'{secretName}' is not a valid secret name: use letters, digits and dashes only, 1 to 127 characters (Key Vault's rule), for example app-secret.");
                }

                var config = context.LoadConfig();
                var store = context.OpenSecretStore(config);
                var atTerminal = ReferenceEquals(console.Input, Console.In) && !Console.IsInputRedirected;
                var value = atTerminal
                    ? await SecretPrompt.ReadAsync($"Value for {secretName} (not shown; Enter to finish): ", console.Error, cancellation)
                    : (await console.Input.ReadToEndAsync(cancellation)).TrimEnd('\r', '\n');
                if (value.Length == 0)
                {
                    throw new UsageException(atTerminal
                        ? "No value was typed; nothing was stored."
                        : $"No value on standard input. Type it at a terminal, or pipe it in, for example: runner secret set {secretName} < secret.txt");
                }

                context.Redactor.Add(value);
                await store.SetAsync(secretName, value, new Dictionary<string, string> { ["source"] = "runner secret set" }, null, cancellation);
                await console.Output.WriteLineAsync($"Stored '{secretName}' in the {store.Kind} secret store ({store.Location}).");
                return ExitCodes.Success;
            }
            catch (Exception e)
            {
                return Failures.Report(e, console, context.Redactor, verbose);
            }
        });

        return new Command("secret", CommandHelp.With("Manage secrets in the configured secret store.", "runner secret set app-secret")) { set };
    }
}
