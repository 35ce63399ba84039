using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using Runner.Cli.Composition;
using Runner.Cli.Rendering;
using Runner.Configuration;
using Runner.Scripting;
using Runner.State;

namespace Runner.Cli.Commands;

/// <summary>runner check &lt;script.csx&gt;...: compiles only, printing path(line,col): error CSxxxx: message.</summary>
internal static class CheckCommand
{
    public static Command Create(CliConsole console)
    {
        var scripts = new Argument<string[]>("scripts") { Description = "Scripts to compile (shell globs such as jobs/*.csx work).", Arity = ArgumentArity.OneOrMore };
        var command = new Command("check", "Compile scripts without running them and print their diagnostics.") { scripts };
        command.SetAction(async (parse, cancellation) =>
        {
            var verbose = parse.GetValue(GlobalOptions.Verbose);
            await using var context = new CliContext(console, parse.GetValue(GlobalOptions.Config), verbose);
            try
            {
                var engine = new ScriptEngine(new ScriptCache(CacheFolder(context, console)), null, NullLogger.Instance);
                var errors = 0;
                var warnings = 0;
                foreach (var script in parse.GetValue(scripts)!)
                {
                    if (!PathSyntax.TryResolve(script, console.CurrentDirectory, out var path) || !File.Exists(path))
                    {
                        await console.Error.WriteLineAsync($"{PathSyntax.Printable(script)}: error: the file does not exist");
                        errors++;
                        continue;
                    }

                    foreach (var diagnostic in engine.Check(path, cancellation))
                    {
                        await (diagnostic.IsError ? console.Error : console.Output).WriteLineAsync(Failures.Relative(diagnostic, console));
                        errors += diagnostic.IsError ? 1 : 0;
                        warnings += diagnostic.IsError ? 0 : 1;
                    }
                }

                await console.Output.WriteLineAsync($"{parse.GetValue(scripts)!.Length} script(s) checked: {errors} error(s), {warnings} warning(s).");
                return errors > 0 ? ExitCodes.Usage : ExitCodes.Success;
            }
            catch (Exception e)
            {
                return Failures.Report(e, console, context.Redactor, verbose);
            }
        });
        return command;
    }

    /// <summary>The compile cache of the nearest runner.yaml, or a temporary one when there is none.</summary>
    private static string CacheFolder(CliContext context, CliConsole console)
    {
        try
        {
            return new StateDirectory(context.LoadConfig().StateDirectory).CompileCache;
        }
        catch (ConfigException)
        {
            return Path.Combine(Path.GetTempPath(), "runner-check-cache");
        }
    }
}
