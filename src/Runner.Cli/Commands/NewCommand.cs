using System.CommandLine;
using System.Text.RegularExpressions;
using Runner.Cli.Composition;
using Runner.Cli.Rendering;
using Runner.Configuration;
using Runner.Projects;
using Runner.Scripting;

namespace Runner.Cli.Commands;

/// <summary>runner new &lt;name&gt;: writes a commented job script to jobs/&lt;name&gt;.csx, and the editor set-up beside it.</summary>
internal static partial class NewCommand
{
    public static Command Create(CliConsole console)
    {
        var name = new Argument<string?>("name") { Description = "The job's name, e.g. stale-guests (written to jobs/stale-guests.csx).", Arity = ArgumentArity.ZeroOrOne };
        var partnerLevel = new Option<bool>("--partner-level") { Description = "A job that runs once for the partner instead of once per customer." };
        var force = new Option<bool>("--force") { Description = "Overwrite the script if it exists." };
        var editorOnly = new Option<bool>("--editor") { Description = "Only (re)write the editor set-up (jobs/_editor/, omnisharp.json, .vscode/settings.json)." };
        var writes = new Option<bool>("--writes") { Description = "A job that changes things; without it the script says // runner: read-only and every write is refused." };
        var command = new Command("new", CommandHelp.With("Write a new job script, ready to check and run, plus VS Code IntelliSense for it.", "runner new stale-guests", "runner new disable-stale-guests --writes")) { name, partnerLevel, writes, force, editorOnly };
        command.SetAction(async (parse, cancellation) =>
        {
            var verbose = GlobalOptions.Verbose(parse);
            await using var context = new CliContext(console, GlobalOptions.Config(parse), verbose);
            try
            {
                var root = ProjectRoot(context);
                var jobs = Path.Combine(root, "jobs");
                var given = parse.GetValue(name);
                if (given is null && !parse.GetValue(editorOnly))
                {
                    throw new UsageException("runner new needs a name, e.g. runner new stale-guests (or --editor to refresh the editor set-up only).");
                }

                string? script = null;
                if (given is not null)
                {
                    var jobName = JobName(given);
                    script = Path.Combine(jobs, jobName + ".csx");
                    if (File.Exists(script) && !parse.GetValue(force))
                    {
                        throw new UsageException($"{Display(script, console)} already exists. Choose another name, or pass --force to overwrite it.");
                    }

                    Directory.CreateDirectory(jobs);
                    await File.WriteAllTextAsync(script, JobTemplate.Render(jobName, parse.GetValue(partnerLevel), parse.GetValue(writes)), cancellation);
                }

                var editor = EditorSetup.Write(root, jobs);
                if (script is not null)
                {
                    var relative = Display(script, console);
                    await console.Output.WriteLineAsync($"Created {relative}");
                    await console.Output.WriteLineAsync($"""

                        Next:
                          runner check {relative}
                          runner run {relative}{(parse.GetValue(partnerLevel) ? "" : " --tenant all")}{(parse.GetValue(writes) ? " --what-if" : "")}

                        To schedule it, add to runner.yaml under jobs:
                          {Path.GetFileNameWithoutExtension(script)}:
                            script: {Path.GetRelativePath(root, script).Replace('\\', '/')}
                            schedule: "0 0 6 * * ?"      # Quartz cron, seconds first: every day at 06:00
                            {(parse.GetValue(partnerLevel) ? "partnerLevel: true" : "tenants: all")}{(parse.GetValue(writes) ? "\n    writes: true                 # a scheduled job that writes must say so" : "")}
                        """);
                }

                await console.Output.WriteLineAsync($"Editor IntelliSense: {string.Join(", ", editor.Select(e => Display(e, console)))} (VS Code with the C# extension in OmniSharp mode; see {DocsLinks.Page("scripting.md#editor-support-vs-code")}).");
                if (!HasConfig(context))
                {
                    // An installed tool in an empty folder: the script is there, but nothing can run it yet.
                    await console.Output.WriteLineAsync($"""

                        There is no runner.yaml here or in a parent folder, so nothing can run this script yet. Set the folder up with
                          runner init
                        (a commented runner.yaml for the built-in sandbox, jobs/hello.csx, and a .gitignore for the state folder; it keeps {Display(script ?? jobs, console)}).
                        """);
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

    /// <summary>The folder of the nearest runner.yaml, else the current folder.</summary>
    private static string ProjectRoot(CliContext context)
    {
        var path = ConfigLoader.Locate(context.ConfigPath, context.Console.CurrentDirectory, context.Console.Environment);
        return path is not null && File.Exists(path) ? Path.GetDirectoryName(Path.GetFullPath(path))! : context.Console.CurrentDirectory;
    }

    private static bool HasConfig(CliContext context) =>
        ConfigLoader.Locate(context.ConfigPath, context.Console.CurrentDirectory, context.Console.Environment) is { } path && File.Exists(path);

    internal static string JobName(string given)
    {
        var name = given.EndsWith(".csx", StringComparison.OrdinalIgnoreCase) ? given[..^4] : given;
        if (name.StartsWith("jobs/", StringComparison.Ordinal) || name.StartsWith("jobs\\", StringComparison.Ordinal))
        {
            name = name[5..];
        }

        return ValidName().IsMatch(name)
            ? name
            : throw new UsageException($"'{given}' is not a job name: use letters, digits, '-' and '_' (e.g. stale-guests), starting with a letter or digit.");
    }

    private static string Display(string path, CliConsole console)
    {
        var relative = Path.GetRelativePath(console.CurrentDirectory, path);
        return (relative.StartsWith("..", StringComparison.Ordinal) ? path : relative).Replace('\\', '/');
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex ValidName();
}
