using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using Runner.Cli.Composition;
using Runner.Cli.Rendering;
using Runner.Configuration;
using Runner.Scripting;

namespace Runner.Cli.Commands;

/// <summary>runner check &lt;script.csx&gt;...: compiles only, printing path(line,col): error CSxxxx: message.</summary>
internal static class CheckCommand
{
    public static Command Create(CliConsole console)
    {
        var scripts = new Argument<string[]>("scripts") { Description = "Scripts to compile (shell globs such as jobs/*.csx work).", Arity = ArgumentArity.OneOrMore };
        var command = new Command("check", CommandHelp.With("Compile scripts without running them and print their diagnostics.", "runner check jobs/*.csx")) { scripts };
        command.SetAction(async (parse, cancellation) =>
        {
            var verbose = GlobalOptions.Verbose(parse);
            await using var context = new CliContext(console, GlobalOptions.Config(parse), verbose);
            try
            {
                var engine = ScriptEngine.Create(StateFolder(context), NullLogger.Instance);
                var errors = 0;
                var warnings = 0;
                var files = Expand(parse.GetValue(scripts)!, console.CurrentDirectory);

                // A helper #load'ed by several jobs is checked with each; its messages are shown once.
                var shown = new HashSet<ScriptDiagnostic>();
                foreach (var script in files)
                {
                    if (!PathSyntax.TryResolve(script, console.CurrentDirectory, out var path) || !File.Exists(path))
                    {
                        await console.Error.WriteLineAsync($"{PathSyntax.Printable(script)}: error: the file does not exist");
                        errors++;
                        continue;
                    }

                    foreach (var diagnostic in engine.Check(path, cancellation).Where(shown.Add))
                    {
                        await (diagnostic.IsError ? console.Error : console.Output).WriteLineAsync(Failures.Relative(diagnostic, console));
                        errors += diagnostic.IsError ? 1 : 0;
                        warnings += diagnostic.IsError ? 0 : 1;
                    }
                }

                await console.Output.WriteLineAsync($"{files.Count} script(s) checked: {errors} error(s), {warnings} warning(s).");
                return errors > 0 ? ExitCodes.Usage : ExitCodes.Success;
            }
            catch (Exception e)
            {
                return Failures.Report(e, console, context.Redactor, verbose);
            }
        });
        return command;
    }

    /// <summary>The state folder of the nearest runner.yaml (compile cache, NuGet package sets), or a temporary one.</summary>
    private static string StateFolder(CliContext context)
    {
        try
        {
            return context.LoadConfig().StateDirectory;
        }
        catch (ConfigException)
        {
            return Path.Combine(Path.GetTempPath(), "runner-check");
        }
    }

    /// <summary>Expands wildcards in the file name (jobs/*.csx) where the shell did not, e.g. on Windows or when quoted.</summary>
    internal static IReadOnlyList<string> Expand(IEnumerable<string> arguments, string currentDirectory)
    {
        var files = new List<string>();
        foreach (var argument in arguments)
        {
            var name = Path.GetFileName(argument);
            if (name.IndexOfAny(['*', '?']) < 0)
            {
                files.Add(argument);
                continue;
            }

            var folder = Path.GetDirectoryName(argument) ?? "";
            var full = Path.GetFullPath(folder.Length == 0 ? "." : folder, currentDirectory);
            var matches = Directory.Exists(full) ? Directory.GetFiles(full, name).Order(StringComparer.Ordinal).ToList() : [];
            files.AddRange(matches.Count > 0 ? matches.Select(m => Path.Combine(folder, Path.GetFileName(m))) : [argument]);
        }

        return files;
    }
}
