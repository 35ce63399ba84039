using System.CommandLine;
using Runner.Cli.Composition;
using Runner.Cli.Rendering;

namespace Runner.Cli.Commands;

/// <summary>runner secret set NAME: puts a secret into the configured store, read from standard input so it never
/// appears on a command line or in shell history.</summary>
internal static class SecretCommand
{
    public static Command Create(CliConsole console)
    {
        var name = new Argument<string>("name") { Description = "The secret's name, as runner.yaml refers to it (secret:NAME)." };
        var set = new Command("set", "Store a secret read from standard input (one line, or everything piped in).") { name };
        set.SetAction(async (parse, cancellation) =>
        {
            var verbose = parse.GetValue(GlobalOptions.Verbose);
            await using var context = new CliContext(console, parse.GetValue(GlobalOptions.Config), verbose);
            try
            {
                var config = context.LoadConfig();
                var store = context.OpenSecretStore(config);
                var value = (await console.Input.ReadToEndAsync(cancellation)).TrimEnd('\r', '\n');
                if (value.Length == 0)
                {
                    throw new UsageException("No value on standard input. Pipe it in, for example: runner secret set app-secret < secret.txt");
                }

                context.Redactor.Add(value);
                var secretName = parse.GetValue(name)!;
                await store.SetAsync(secretName, value, new Dictionary<string, string> { ["source"] = "runner secret set" }, null, cancellation);
                await console.Output.WriteLineAsync($"Stored '{secretName}' in the {store.Kind} secret store ({store.Location}).");
                return ExitCodes.Success;
            }
            catch (Exception e)
            {
                return Failures.Report(e, console, context.Redactor, verbose);
            }
        });

        return new Command("secret", "Manage secrets in the configured secret store.") { set };
    }
}
