using System.CommandLine;
using Runner.Cli.Composition;
using Runner.Cli.Rendering;
using Runner.Configuration;
using Runner.Execution;
using Runner.Runtime;
using Runner.Scripting;
using Spectre.Console;

namespace Runner.Cli.Commands;

/// <summary>runner run &lt;script.csx|job&gt;: runs a script across the selected tenants and prints their results.</summary>
internal static class RunCommand
{
    public static Command Create(CliConsole console)
    {
        var target = new Argument<string>("script") { Description = "A .csx file, or the name of a job in runner.yaml." };
        var tenants = new Option<string[]>("--tenant", "-t")
        {
            Description = "Tenant id, domain or company name; 'all'; group:NAME; name:GLOB. Repeatable. Default: all (or the job's tenants).",
            AllowMultipleArgumentsPerToken = false,
        };
        var exclude = new Option<string[]>("--exclude", "-x") { Description = "Tenants to leave out (same forms as --tenant). Repeatable." };
        var parameters = new Option<string[]>("--param", "-p") { Description = "A job parameter, key=value. Repeatable." };
        var parallel = new Option<int?>("--parallel") { Description = "Tenants at the same time (default from runner.yaml, else 8)." };
        var timeout = new Option<string?>("--timeout") { Description = "Per-tenant time limit, e.g. 00:05:00 or 90s (default from runner.yaml)." };
        var output = new Option<OutputFormat?>("--output", "-o") { Description = "table, json or csv." };
        var outFile = new Option<string?>("--out") { Description = "Write the results to this file instead of standard output." };
        var refresh = new Option<bool>("--refresh-tenants") { Description = "Reload the customer list from Partner Center instead of the cache." };
        var partnerLevel = new Option<bool>("--partner-level") { Description = "Run once for the partner instead of once per customer." };
        var whatIf = new Option<bool>("--what-if") { Description = "Record every write (POST, PUT, PATCH, DELETE) and simulate its success instead of sending it; reads go through." };
        var readOnly = new Option<bool>("--read-only") { Description = "Refuse every write: a tenant whose script tries one fails, naming the call." };
        var secrets = new Option<string[]>("--secret") { Description = "Let the script read this secret from the store through Secrets[\"NAME\"]. Repeatable." };
        var command = new Command("run", CommandHelp.With("Run a job script across customer tenants.", "runner run jobs/hello.csx --tenant all", "runner run jobs/disable-stale-guests.csx --tenant group:pilot --what-if"))
        {
            target, tenants, exclude, parameters, parallel, timeout, output, outFile, refresh, partnerLevel, whatIf, readOnly, secrets,
        };

        command.SetAction(async (parse, cancellation) =>
        {
            var verbose = GlobalOptions.Verbose(parse);
            await using var context = new CliContext(console, GlobalOptions.Config(parse), verbose);
            try
            {
                if (parse.GetValue(whatIf) && parse.GetValue(readOnly))
                {
                    throw new UsageException("--what-if and --read-only together: --what-if already sends no write (it shows them); --read-only fails a tenant at its first write. Choose one.");
                }

                var config = context.LoadConfig();
                var request = JobRequests.Build(config, parse.GetValue(target)!, parse.GetValue(tenants) ?? [], parse.GetValue(exclude) ?? [],
                    parse.GetValue(parameters) ?? [], parse.GetValue(parallel), parse.GetValue(timeout), parse.GetValue(refresh), parse.GetValue(partnerLevel), console.CurrentDirectory,
                    parse.GetValue(whatIf), parse.GetValue(readOnly), parse.GetValue(secrets) ?? []);
                if (request.WhatIf)
                {
                    console.Error.WriteLine("What-if: writes through Graph, ARM, Partner Center and Tokens are recorded and answered with a simulated success, not sent.");
                }

                var resultsFile = parse.GetValue(outFile) is { } given ? OutPath(given, console) : null;
                // --out results.csv means CSV (and .json JSON) unless --output says otherwise.
                var format = parse.GetValue(output) ?? OutputFormats.FromExtension(resultsFile) ?? config.Defaults.Output;
                var session = await context.OpenSessionAsync(config, cancellation);
                await session.History.MarkInterruptedAsync(request.Node, Processes.IsAlive, session.Services.Time.GetUtcNow(), cancellation);
                var outcome = await RunWithProgressAsync(new JobRunner(session), request, console, format, parse.GetValue(outFile) is null, cancellation);
                Write(outcome, format, resultsFile, console);
                return ExitCode(outcome);
            }
            catch (Exception e)
            {
                return Failures.Report(e, console, context.Redactor, verbose);
            }
        });
        return command;
    }

    private static async Task<RunOutcome> RunWithProgressAsync(JobRunner runner, JobRequest request, CliConsole console, OutputFormat format, bool toStdout, CancellationToken cancellation)
    {
        if (!console.Interactive)
        {
            // Disposed (every line written) before the caller prints the results.
            using var output = new ScriptOutputWriter(console.Error, queued: true);
            return await runner.RunAsync(request, output, cancellation);
        }

        RunOutcome? outcome = null;
        await console.Err.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask(Markup.Escape(request.Job), maxValue: 1);
                using (var echo = new ScriptOutputEcho(console.Err))
                {
                    outcome = await runner.RunAsync(request, new CompositeObserver(new ProgressObserver(task), echo), cancellation);
                }

                task.StopTask();
            });
        return outcome!;
    }

    /// <summary>Checked before the run, so a mistyped --out costs no run; a write that still fails says where the results are.</summary>
    private static string OutPath(string outFile, CliConsole console)
    {
        if (!PathSyntax.TryResolve(outFile, console.CurrentDirectory, out var path))
        {
            throw new UsageException($"--out expects a file path, found '{PathSyntax.Printable(outFile)}'.");
        }

        if (Directory.Exists(path))
        {
            throw new UsageException($"--out {path} is a folder; give the path of a file to write the results to.");
        }

        if (Path.GetDirectoryName(path) is { } folder && !Directory.Exists(folder))
        {
            throw new UsageException($"--out {path}: the folder {folder} does not exist.");
        }

        return path;
    }

    private static void Write(RunOutcome outcome, OutputFormat format, string? path, CliConsole console)
    {
        if (path is null)
        {
            RunRenderer.Write(outcome, format, console.Output, console.Out);
            return;
        }

        try
        {
            using var writer = new StreamWriter(path);
            var fileConsole = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
            fileConsole.Profile.Width = 200;
            RunRenderer.Write(outcome, format, writer, fileConsole);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"The results of run {outcome.RunId} could not be written to {path} ({Runner.State.IoReason.Of(e)}). They are kept in the run history: `runner show {outcome.RunId}`.");
        }

        console.Error.WriteLine($"Run {outcome.RunId}: {outcome.Status}, {outcome.Tenants.Count} tenant{(outcome.Tenants.Count == 1 ? "" : "s")}; results written to {path}");
    }

    internal static int ExitCode(RunOutcome outcome) => outcome switch
    {
        { Status: RunStatus.Cancelled } => ExitCodes.Interrupted,
        _ when outcome.Tenants.Any(t => t.NeedsOperator) => ExitCodes.NeedsOperator,
        _ when outcome.Tenants.Any(t => t.IsUsageError) => ExitCodes.Usage,
        _ when outcome.Tenants.Any(t => t.Status is TenantStatus.Failed or TenantStatus.TimedOut) => ExitCodes.TenantsFailed,
        _ => ExitCodes.Success,
    };
}
