using System.Text;
using System.Text.RegularExpressions;

namespace Runner.Tests.Cli;

/// <summary>
/// Reads the rows of docs/troubleshooting.md: `| `runner ARGS` | `FIRST LINE` | EXIT | meaning and fix |`. A `…` in
/// the first line stands for text that changes from run to run (a run id, a temporary path).
/// </summary>
internal static partial class TroubleshootingPage
{
    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "docs", "troubleshooting.md");

    public static IReadOnlyList<(string Command, string FirstLine, int ExitCode)> Rows()
    {
        var rows = new List<(string, string, int)>();
        foreach (var (line, number) in File.ReadLines(Path).Select((l, i) => (l, i + 1)))
        {
            if (!line.StartsWith("| `runner", StringComparison.Ordinal))
            {
                continue;
            }

            var cells = Cells(line);
            if (cells.Count < 4 || !int.TryParse(cells[2], out var exit))
            {
                throw new FormatException($"docs/troubleshooting.md line {number}: expected | `runner ...` | `first line` | exit code | meaning |, found: {line}");
            }

            rows.Add((Unquote(cells[0], number), Unquote(cells[1], number), exit));
        }

        return rows;
    }

    /// <summary>The command's arguments after `runner`, split as a POSIX shell would (quotes, no expansion).</summary>
    public static string[] Arguments(string command)
    {
        var args = new List<string>();
        var current = new StringBuilder();
        var inWord = false;
        char? quote = null;
        foreach (var c in command)
        {
            if (quote is { } q)
            {
                if (c == q)
                {
                    quote = null;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    args.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }
            }
            else
            {
                current.Append(c);
                inWord = true;
            }
        }

        if (inWord)
        {
            args.Add(current.ToString());
        }

        if (args.Count == 0 || args[0] != "runner")
        {
            throw new FormatException($"'{command}' does not start with runner.");
        }

        return [.. args.Skip(1)];
    }

    public static bool Matches(string documented, string actual) =>
        Regex.IsMatch(actual, "^" + string.Join(".*", documented.Split('…').Select(Regex.Escape)) + "$", RegexOptions.Singleline);

    private static List<string> Cells(string line) =>
        [.. CellSplit().Split(line.Trim().Trim('|')).Select(c => c.Trim().Replace("\\|", "|", StringComparison.Ordinal))];

    /// <summary>`text`, or ``text`` (with a space inside) when the text itself holds a backtick.</summary>
    private static string Unquote(string cell, int number) =>
        cell.StartsWith("`` ", StringComparison.Ordinal) && cell.EndsWith(" ``", StringComparison.Ordinal) ? cell[3..^3]
        : cell.Length >= 2 && cell[0] == '`' && cell[^1] == '`' ? cell[1..^1]
        : throw new FormatException($"docs/troubleshooting.md line {number}: '{cell}' should be in backticks.");

    [GeneratedRegex(@"(?<!\\)\|")]
    private static partial Regex CellSplit();
}
