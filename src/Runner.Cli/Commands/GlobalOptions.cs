using System.CommandLine;

namespace Runner.Cli.Commands;

/// <summary>Options every command takes.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string?> Config = new("--config", "-c")
    {
        Description = "Path to runner.yaml (default: RUNNER_CONFIG, or the nearest runner.yaml from the current folder up).",
        Recursive = true,
    };

    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Show debug logs and, on failure, the stack trace.",
        Recursive = true,
    };
}
