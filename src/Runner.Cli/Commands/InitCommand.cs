using System.CommandLine;
using Runner.Cli.Composition;
using Runner.Cli.Rendering;
using Runner.Projects;

namespace Runner.Cli.Commands;

/// <summary>runner init [folder]: sets up a project (runner.yaml, jobs/hello.csx, editor set-up, .gitignore).</summary>
internal static class InitCommand
{
    public static Command Create(CliConsole console)
    {
        var folder = new Argument<string?>("folder") { Description = "Where to set up the project (created if missing). Default: the current folder.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("init", CommandHelp.With(
            "Set up a Runner project: a commented runner.yaml (the built-in sandbox to start), jobs/hello.csx, VS Code IntelliSense and a .gitignore for the state folder. Never overwrites a file.",
            "runner init weekly-checks")) { folder };
        command.SetAction(async (parse, cancellation) =>
        {
            try
            {
                var target = Path.GetFullPath(Path.Combine(console.CurrentDirectory, parse.GetValue(folder) ?? "."));
                var result = ProjectInit.Run(target);
                if (result.Refused)
                {
                    throw new UsageException($"{Display(result.Kept[0], console)} already exists: this folder is a Runner project. Nothing was written. Use `runner new NAME` to add a job.");
                }

                foreach (var file in result.Written)
                {
                    await console.Output.WriteLineAsync($"Created {Display(file, console)}");
                }

                foreach (var file in result.Kept)
                {
                    await console.Output.WriteLineAsync($"Kept    {Display(file, console)} (it exists)");
                }

                var cd = Path.GetFullPath(console.CurrentDirectory) == result.Root ? "" : $"  cd {Display(result.Root, console)}\n";
                await console.Output.WriteLineAsync($"""

                    Next, against the built-in sandbox (no Microsoft account needed):
                    {cd}  runner run jobs/hello.csx --tenant all
                      runner new stale-guests

                    For your real customers: {DocsLinks.Page("production.md")}
                    """);
                return ExitCodes.Success;
            }
            catch (Exception e)
            {
                return Failures.Report(e, console, new Runner.Redaction.SecretRedactor(), GlobalOptions.Verbose(parse));
            }
        });
        return command;
    }

    private static string Display(string path, CliConsole console)
    {
        var relative = Path.GetRelativePath(console.CurrentDirectory, path);
        return (relative.StartsWith("..", StringComparison.Ordinal) ? path : relative).Replace('\\', '/');
    }
}
