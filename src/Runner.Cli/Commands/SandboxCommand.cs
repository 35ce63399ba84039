using System.CommandLine;
using Runner.Cli.Composition;
using Runner.Cli.Rendering;
using Runner.Configuration;
using Runner.Sandbox;
using Runner.State;

namespace Runner.Cli.Commands;

/// <summary>
/// runner sandbox: the local cloud, standalone, until Ctrl+C. Prints its endpoints, its CA and how another process or
/// runner.yaml connects to it. Customers, seed and faults come from the sandbox: section of runner.yaml when there is
/// one; the options override them.
/// </summary>
internal static class SandboxCommand
{
    public static Command Create(CliConsole console)
    {
        var port = new Option<int>("--port") { Description = "Port on loopback (default: a free one).", DefaultValueFactory = _ => 0 };
        var customers = new Option<int?>("--customers") { Description = "Customer tenants to seed, 1 to 20,000 (default 10, or sandbox.customers in runner.yaml)." };
        var seed = new Option<int?>("--seed") { Description = "Seed of the generated data (default 42, or sandbox.seed in runner.yaml)." };
        var data = new Option<string?>("--data") { Description = "Folder for the CA, keys and app secret (default .runner/sandbox-standalone)." };
        var command = new Command("sandbox", CommandHelp.With("Run the local cloud (Entra ID, Partner Center, ARM, Graph, Key Vault) standalone.", "runner sandbox --port 8443 --customers 50")) { port, customers, seed, data };
        command.SetAction(async (parse, cancellation) =>
        {
            var verbose = GlobalOptions.Verbose(parse);
            await using var context = new CliContext(console, GlobalOptions.Config(parse), verbose);
            try
            {
                var settings = Settings(context);
                var dataText = parse.GetValue(data) ?? Path.Combine(".runner", "sandbox-standalone");
                if (!Runner.Configuration.PathSyntax.TryResolve(dataText, console.CurrentDirectory, out var folder))
                {
                    throw new UsageException($"--data expects a folder path, found '{Runner.Configuration.PathSyntax.Printable(dataText)}'.");
                }

                await using var host = await SandboxHost.StartAsync(new SandboxOptions
                {
                    Port = parse.GetValue(port),
                    Customers = parse.GetValue(customers) ?? settings?.Customers ?? 10,
                    Seed = parse.GetValue(seed) ?? settings?.Seed ?? 42,
                    DataDirectory = folder,
                    ConfigureFaults = settings is null ? null : faults => SandboxBootstrap.ApplyFaults(settings.Faults, faults),
                }, cancellation);
                if (settings?.Faults.AdvanceClock > TimeSpan.Zero)
                {
                    host.Clock.Advance(settings.Faults.AdvanceClock);
                }

                var secretFile = Path.Combine(folder, "app-secret");
                AtomicFile.WriteText(secretFile, host.ClientSecret, ownerOnly: true);
                await console.Output.WriteLineAsync(SandboxBanner.Render(host, secretFile));
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

    /// <summary>The sandbox: section of the runner.yaml in reach, or null when there is none (a bad one is an error).</summary>
    private static SandboxSettings? Settings(CliContext context)
    {
        if (context.ConfigPath is not null)
        {
            return context.LoadConfig().Sandbox;
        }

        var path = ConfigLoader.Locate(null, context.Console.CurrentDirectory, context.Console.Environment);
        return path is not null && File.Exists(path) ? context.LoadConfig().Sandbox : null;
    }
}
