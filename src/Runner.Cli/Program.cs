using System.CommandLine;
using System.Runtime.InteropServices;
using Runner.Cli.Commands;
using Runner.Cli.Composition;

namespace Runner.Cli;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (!OperatingSystem.IsWindows())
        {
            // Everything Runner writes — state, history, results (--out), what workers and scripts write — is for this
            // user only: tenant data and credentials are never world-readable.
            OwnerOnly.umask(0x3F);
        }

        var environment = Environment.GetEnvironmentVariables();
        var directory = Directory.GetCurrentDirectory();
        if (args is ["run", ..] && await Runner.Resident.RunServerClient.TryRunAsync(args, directory, environment, typeof(Program).Assembly.Location) is { } served)
        {
            // This folder's run server ran it (`runner run-server start`): no start-up of our own.
            return served;
        }

        // The methods this command line JIT-compiled last time are compiled on another core as it starts.
        var profile = Runner.Startup.JitProfile.NameFor(args, directory) is { } name
            ? Runner.Startup.JitProfile.Start(name, environment, Runner.Resident.RunServerAddress.BuildKey(typeof(Program).Assembly.Location), TimeProvider.System)
            : null;
        try
        {
            var console = CliConsole.FromProcess();
            if (args is ["run", ..])
            {
                Runner.Runtime.Descriptors.KeepChildrenOffStandardOutput();
            }

            var code = await CliApp.RunAsync(args, console, handleSignals: true);
            LoadedAssemblyReport.WriteIfAsked();
            return code;
        }
        finally
        {
            profile?.Stop();
        }
    }
}

/// <summary>The command tree, and the process-level concerns around it: signals and usage errors.</summary>
internal static class CliApp
{
    public static RootCommand BuildRoot(CliConsole console)
    {
        var root = new RootCommand(Rendering.CommandHelp.With(
            $"Runner: run C# job scripts across every Microsoft CSP customer tenant, with authentication done for you. Documentation: {Runner.Projects.DocsLinks.RepositoryUrl}/tree/main/docs",
            "runner init my-jobs && cd my-jobs",
            "runner run jobs/hello.csx --tenant all",
            "runner new stale-guests",
            "runner <command> --help"));
        foreach (var option in GlobalOptions.Create())
        {
            root.Options.Add(option);
        }

        foreach (var version in root.Options.OfType<VersionOption>())
        {
            version.Action = new Rendering.VersionText(console);
        }

        root.Subcommands.Add(InitCommand.Create(console));
        root.Subcommands.Add(RunCommand.Create(console));
        root.Subcommands.Add(CheckCommand.Create(console));
        root.Subcommands.Add(TenantsCommand.Create(console));
        root.Subcommands.Add(SandboxCommand.Create(console));
        root.Subcommands.Add(SecretCommand.Create(console));
        root.Subcommands.Add(ConsentCommand.Create(console));
        root.Subcommands.Add(AuthCommand.Create(console));
        root.Subcommands.Add(HostCommand.Create(console));
        root.Subcommands.Add(JobsCommand.Create(console));
        root.Subcommands.Add(TriggerCommand.Create(console));
        root.Subcommands.Add(HistoryCommand.Create(console));
        root.Subcommands.Add(ShowCommand.Create(console));
        root.Subcommands.Add(AuditCommand.Create(console));
        root.Subcommands.Add(WebCommand.Create(console));
        root.Subcommands.Add(ApiKeyCommand.Create(console));
        root.Subcommands.Add(NotifyCommand.Create(console));
        root.Subcommands.Add(WorkerCommand.Create(console));
        root.Subcommands.Add(NewCommand.Create(console));
        root.Subcommands.Add(RunServerCommand.Create(console));
        return root;
    }

    /// <param name="remote">A run server's client: its Ctrl+C arrive as interrupts on the connection.</param>
    public static async Task<int> RunAsync(string[] args, CliConsole console, bool handleSignals = false, CancellationToken cancellation = default,
        Runner.Resident.RunServerConnection? remote = null)
    {
        var root = BuildRoot(console);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var line in Rendering.UsageErrors.Describe(parse, root))
            {
                await console.Error.WriteLineAsync($"error: {line}");
            }

            await console.Error.WriteLineAsync($"Run 'runner {string.Join(' ', parse.CommandResult.Command.Name == root.Name ? [] : new[] { parse.CommandResult.Command.Name })} --help' for usage.".Replace("  ", " ", StringComparison.Ordinal));
            return ExitCodes.Usage;
        }

        using var signals = handleSignals || remote is not null ? new SignalCancellation(console, parse, remote) : null;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellation, signals?.Token ?? CancellationToken.None);
        var invocation = new InvocationConfiguration
        {
            Output = console.Output,
            Error = console.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };
        try
        {
            return await parse.InvokeAsync(invocation, linked.Token);
        }
        catch (Exception e)
        {
            // A command that let an exception escape: reported like any other failure (70 and the stack when nobody anticipated it).
            return Rendering.Failures.Report(e, console, new Runner.Redaction.SecretRedactor(), GlobalOptions.Verbose(parse));
        }
    }

    /// <summary>
    /// The first Ctrl+C or SIGTERM asks the run to stop gracefully; a second one exits at once with 130. For a run
    /// server's client the interrupts come on its connection, and the client exits at the second: the server goes on
    /// closing the run (it must not exit, other clients' runs are in it).
    /// </summary>
    private sealed class SignalCancellation : IDisposable
    {
        private readonly CancellationTokenSource _source = new();
        private readonly CliConsole _console;
        private readonly ParseResult _parse;
        private readonly Runner.Resident.RunServerConnection? _remote;
        private readonly PosixSignalRegistration? _terminate;
        private int _signals;

        public SignalCancellation(CliConsole console, ParseResult parse, Runner.Resident.RunServerConnection? remote)
        {
            _console = console;
            _parse = parse;
            _remote = remote;
            if (remote is not null)
            {
                remote.Interrupted += OnRemoteInterrupt;
                return;
            }

            Console.CancelKeyPress += OnCancelKeyPress;
            if (!OperatingSystem.IsWindows())
            {
                _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
                {
                    context.Cancel = true;
                    Signal();
                });
            }
        }

        public CancellationToken Token => _source.Token;

        private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
        {
            e.Cancel = true;
            Signal();
        }

        private void OnRemoteInterrupt(int count)
        {
            if (count == 1)
            {
                Signal();
            }
        }

        private void Signal()
        {
            if (Interlocked.Increment(ref _signals) == 1)
            {
                if (Rendering.InterruptMessages.First(_parse) is { Length: > 0 } message)
                {
                    _console.Error.WriteLine(message);
                }

                _source.Cancel();
            }
            else
            {
                _console.Error.WriteLine(Rendering.InterruptMessages.Second(_parse));
                Runner.Execution.ImmediateExit.RunAll(TimeSpan.FromSeconds(5));
                Environment.Exit(ExitCodes.Interrupted);
            }
        }

        public void Dispose()
        {
            if (_remote is not null)
            {
                _remote.Interrupted -= OnRemoteInterrupt;
            }

            Console.CancelKeyPress -= OnCancelKeyPress;
            _terminate?.Dispose();
            _source.Dispose();
        }
    }
}

/// <summary>The process's file creation mask (POSIX umask).</summary>
internal static class OwnerOnly
{
    [DllImport("libc", EntryPoint = "umask")]
    internal static extern uint umask(uint mask);
}
