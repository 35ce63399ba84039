namespace Runner.Cli.Rendering;

/// <summary>Command descriptions for --help: what the command does, then example lines an operator can copy.</summary>
internal static class CommandHelp
{
    public static string With(string description, params string[] examples) =>
        description + Environment.NewLine + Environment.NewLine + (examples.Length == 1 ? "Example:" : "Examples:") + Environment.NewLine +
        string.Join(Environment.NewLine, examples.Select(e => "  " + e));
}
