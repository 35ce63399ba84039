using System.CommandLine;

namespace Runner.Cli.Rendering;

/// <summary>What Ctrl+C (or SIGTERM) does, said by the command it interrupts: only commands that run tenants let them finish.</summary>
internal static class InterruptMessages
{
    /// <summary>Printed at the first signal, when the command is asked to stop.</summary>
    public static string First(ParseResult parse) => Name(parse) switch
    {
        "run" => "Stopping: letting running tenants finish their current step. Press Ctrl+C again to exit at once.",
        "host" => "Stopping the host: no new fires; running workers get scheduler.shutdownGrace to finish. Press Ctrl+C again to exit at once.",
        "sandbox" => "Stopping the sandbox.",
        "consent" => "Cancelling the consent: nothing is stored, the credential you had stays. Run `runner consent` again when ready.",
        "trigger" when parse.CommandResult.Children.OfType<System.CommandLine.Parsing.OptionResult>().Any(o => o.Option.Name == "--wait") =>
            "Stopped waiting. The run goes on in the host: `runner show` follows it.",
        "worker" => "",
        var command => $"Stopping {command}. Press Ctrl+C again to exit at once.",
    };

    /// <summary>Printed at the second signal, just before the process exits.</summary>
    public static string Second(ParseResult parse) => Name(parse) == "run"
        ? "Exiting now: recording the unfinished tenants as Cancelled."
        : "Exiting now.";

    private static string Name(ParseResult parse) =>
        parse.CommandResult.Command is RootCommand ? "runner" : parse.CommandResult.Command.Name;
}
