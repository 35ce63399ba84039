using System.Collections;
using Spectre.Console;

namespace Runner.Cli.Composition;

/// <summary>
/// The process's surroundings as the commands see them: output streams, environment, current folder. Tests run
/// the whole CLI in-process with their own writers.
/// </summary>
internal sealed class CliConsole
{
    public CliConsole(TextWriter output, TextWriter error, IDictionary environment, string currentDirectory, bool interactive, TextReader? input = null, RemoteTerminal? remote = null)
    {
        Output = output;
        Error = error;
        Environment = environment;
        CurrentDirectory = currentDirectory;
        Interactive = interactive;
        Input = input ?? TextReader.Null;
        var outputRedirected = remote is null ? Console.IsOutputRedirected : !remote.OutputIsTerminal;
        Out = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive && !outputRedirected ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive && !outputRedirected ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!interactive || outputRedirected)
        {
            // Redirected output has no terminal width; keep tables readable in files and CI logs.
            Out.Profile.Width = 200;
        }
        else if (remote is { Width: > 0 })
        {
            Out.Profile.Width = remote.Width;
        }

        Err = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(error),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (interactive && remote is { Width: > 0 })
        {
            Err.Profile.Width = remote.Width;
        }
    }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    public TextReader Input { get; }

    /// <summary>Spectre console on standard output (results).</summary>
    public IAnsiConsole Out { get; }

    /// <summary>Spectre console on standard error (progress, diagnostics).</summary>
    public IAnsiConsole Err { get; }

    public IDictionary Environment { get; }

    public string CurrentDirectory { get; }

    /// <summary>Standard error is a terminal: show live progress.</summary>
    public bool Interactive { get; }

    /// <summary>Opens the sign-in page for `runner consent`; null means the system browser. Tests play the browser.</summary>
    public Runner.Auth.IBrowserLauncher? Browser { get; init; }

    /// <summary>Runner's clock. Tests run it on the sandbox's clock to reach "90 days later" in a second.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The terminal of a run server's client: the server's own console is no terminal.</summary>
    public sealed record RemoteTerminal(bool OutputIsTerminal, int Width);

    public static CliConsole FromProcess() => new(
        Console.Out,
        Console.Error,
        System.Environment.GetEnvironmentVariables(),
        Directory.GetCurrentDirectory(),
        interactive: !Console.IsErrorRedirected,
        Console.In);
}
