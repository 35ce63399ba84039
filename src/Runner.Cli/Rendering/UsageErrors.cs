using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;
using Runner.Configuration;

namespace Runner.Cli.Rendering;

/// <summary>
/// What the parser found wrong with a command line, in words: the nearest command or option for a typo, and what an
/// option accepts (never a .NET type name) for a value that does not convert.
/// </summary>
internal static partial class UsageErrors
{
    public static IReadOnlyList<string> Describe(ParseResult parse, RootCommand root)
    {
        var command = parse.CommandResult.Command;
        var name = command == root ? "runner" : $"runner {Path(parse.CommandResult)}";
        var lines = new List<string>();
        var unknownCommand = false;
        string? previousUnknownOption = null;
        foreach (var token in parse.UnmatchedTokens)
        {
            if (token.StartsWith('-') && token.Length > 1)
            {
                var options = command.Options.Concat(root.Options.Where(o => o.Recursive)).Where(o => !o.Hidden)
                    .SelectMany(o => o.Aliases.Prepend(o.Name)).Where(o => o is not ("-?" or "/?" or "/h" or "-h")).Distinct(StringComparer.Ordinal);
                var option = token.Split('=', 2)[0];
                lines.Add(Suggest.Nearest(option, options.Where(o => o.StartsWith("--", StringComparison.Ordinal) == option.StartsWith("--", StringComparison.Ordinal))) is { } near
                    ? $"{name} has no option '{option}'. Did you mean '{near}'?"
                    : $"{name} has no option '{option}'. `{name} --help` lists its options.");
                previousUnknownOption = option;
            }
            else if (command == root && !unknownCommand)
            {
                unknownCommand = true;
                var commands = root.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
                lines.Add(Suggest.Nearest(token, commands) is { } near
                    ? $"'{token}' is not a runner command. Did you mean '{near}'?"
                    : $"'{token}' is not a runner command. The commands are: {string.Join(", ", commands)}.");
            }
            else if (previousUnknownOption is not null)
            {
                // The value of the unknown option just reported: one message is enough.
                previousUnknownOption = null;
            }
            else if (!unknownCommand)
            {
                lines.Add($"{name} does not take '{token}' here. `{name} --help` shows what it takes.");
            }
        }

        foreach (var error in parse.Errors)
        {
            if (error.Message.StartsWith("Unrecognized command or argument", StringComparison.Ordinal) ||
                (unknownCommand && error.Message.StartsWith("Required command was not provided", StringComparison.Ordinal)))
            {
                continue;
            }

            lines.Add(Rephrase(error, name, parse.CommandResult));
        }

        return lines.Count > 0 ? lines : [$"{name}: the command line is not valid."];
    }

    private static string Rephrase(ParseError error, string name, CommandResult command)
    {
        if (CannotParse().Match(error.Message) is { Success: true } match && error.SymbolResult is OptionResult { Option: var option })
        {
            var value = match.Groups["value"].Value;
            var type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
            if (type.IsArray)
            {
                type = type.GetElementType()!;
            }

            return $"{option.Name} expects {Expected(type)}, found '{value}'.";
        }

        if (error.Message.StartsWith("Required command was not provided", StringComparison.Ordinal))
        {
            return $"{name} needs a command. `{name} --help` lists them.";
        }

        if (RequiredArgument().IsMatch(error.Message) &&
            command.Command.Arguments.FirstOrDefault(a => command.GetResult(a) is not { Tokens.Count: > 0 }) is { } argument)
        {
            var what = argument.Description is { Length: > 0 } description ? $" ({char.ToLowerInvariant(description[0])}{description[1..].TrimEnd('.')})" : "";
            return $"{name} needs <{argument.Name}>{what}.";
        }

        return error.Message;
    }

    private static string Expected(Type type) => type switch
    {
        _ when type.IsEnum => "one of " + string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant())),
        _ when type == typeof(int) || type == typeof(long) => "a whole number",
        _ when type == typeof(double) || type == typeof(decimal) => "a number",
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(TimeSpan) => "a duration such as 00:05:00, 90s or 10m",
        _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => "a date and time such as 2026-12-05T06:00:00Z",
        _ when type == typeof(Guid) => "an id such as 3f2504e0-4f89-11d3-9a0c-0305e82c3301",
        _ => "a different value",
    };

    private static string Path(CommandResult result) =>
        result.Parent is CommandResult parent && parent.Parent is not null ? $"{Path(parent)} {result.Command.Name}" : result.Command.Name;

    [GeneratedRegex("^Cannot parse argument '(?<value>.*)' for option '.*' as expected type")]
    private static partial Regex CannotParse();

    [GeneratedRegex("^Required argument missing for command: ")]
    private static partial Regex RequiredArgument();
}
