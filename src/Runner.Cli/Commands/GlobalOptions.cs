using System.CommandLine;

namespace Runner.Cli.Commands;

/// <summary>
/// Options every command takes. Each command tree gets its own instances: an option remembers every command it was
/// added to, so one shared static instance kept every tree a run server ever built, with its console and everything
/// that console had buffered (a 10,000-tenant run's JSON, 9 MB, per served run).
/// </summary>
internal static class GlobalOptions
{
    private const string ConfigName = "--config";
    private const string VerboseName = "--verbose";

    /// <summary>New instances of the options, for one root command.</summary>
    public static Option[] Create() =>
    [
        new Option<string?>(ConfigName, "-c")
        {
            Description = "Path to runner.yaml (default: RUNNER_CONFIG, or the nearest runner.yaml from the current folder up).",
            Recursive = true,
        },
        new Option<bool>(VerboseName, "-v")
        {
            Description = "Show debug logs and, on failure, the stack trace.",
            Recursive = true,
        },
    ];

    /// <summary>--config as parsed.</summary>
    public static string? Config(ParseResult parse) => parse.GetValue<string?>(ConfigName);

    /// <summary>--verbose as parsed.</summary>
    public static bool Verbose(ParseResult parse) => parse.GetValue<bool>(VerboseName);
}
