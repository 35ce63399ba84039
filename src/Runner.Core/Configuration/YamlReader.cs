using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Runner.Configuration;

/// <summary>
/// Reads runner.yaml's YAML, adding what YamlDotNet leaves to its caller: a position for every error (it reports
/// tabs and unknown aliases at line 1, and an unclosed flow collection as an InvalidOperationException), duplicate
/// keys named by their dotted path, and refusals of nesting or alias cycles that would overflow the stack.
/// </summary>
internal static partial class YamlReader
{
    /// <summary>Far beyond any real runner.yaml, far below what would exhaust the stack while loading.</summary>
    public const int MaxDepth = 64;

    public static YamlStream Read(string text, string path)
    {
        var scanner = new Scanner(new StringReader(text), skipComments: true);
        var guard = new YamlGuard(new Parser(scanner), path, MaxDepth);
        var stream = new YamlStream();
        try
        {
            stream.Load(guard);
            return stream;
        }
        catch (ConfigException)
        {
            throw;
        }
        catch (YamlException e)
        {
            // YamlDotNet leaves some errors at the start of the file; where the scanner stopped is nearer the truth.
            var at = e.Start.Index == 0 && scanner.CurrentPosition.Index > 0 ? scanner.CurrentPosition : e.Start;
            if (UnquotedStar(text, (int)at.Line) is { } star)
            {
                throw new ConfigException(path, star.Line, star.Column, "",
                    $"quote the {star.Key}: a value starting with * is read by YAML as an alias; write {star.Key}: \"{star.Value}\"");
            }

            throw new ConfigException(path, (int)at.Line, (int)at.Column, "", $"not valid YAML: {Explain(e)}");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            // YamlDotNet's scanner gives up this way at the end of an unclosed { } or [ ].
            if (guard.OpenFlow is { } open)
            {
                throw new ConfigException(path, (int)open.Line, (int)open.Column, "",
                    $"not valid YAML: the '{open.Bracket}' opened here is never closed with '{(open.Bracket == '{' ? '}' : ']')}'");
            }

            var at = scanner.CurrentPosition;
            throw new ConfigException(path, (int)at.Line, (int)at.Column, "", "not valid YAML: cannot read on from here; check the quotes and brackets above");
        }
    }

    /// <summary>
    /// `schedule: * 0 2 * * ?` (a cron expression left unquoted) on the line YAML stopped at, or the line before: YAML
    /// takes the leading * for an alias and says so in words no operator expects.
    /// </summary>
    private static (int Line, int Column, string Key, string Value)? UnquotedStar(string text, int line)
    {
        var lines = text.Split('\n');
        foreach (var number in new[] { line, line - 1 })
        {
            if (number < 1 || number > lines.Length)
            {
                continue;
            }

            var content = lines[number - 1].TrimEnd('\r');
            if (StarValue().Match(content) is { Success: true } match)
            {
                return (number, match.Groups["value"].Index + 1, match.Groups["key"].Value, match.Groups["value"].Value.Trim());
            }
        }

        return null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<key>[A-Za-z][\w-]*):\s+(?<value>\*[^,}\]#]*)")]
    private static partial System.Text.RegularExpressions.Regex StarValue();

    private static string Explain(YamlException e)
    {
        var problem = (e.InnerException?.Message ?? e.Message).Split('\n')[0];
        // YamlDotNet prefixes some messages with the position again; keep only the explanation.
        var paren = problem.IndexOf("): ", StringComparison.Ordinal);
        if (problem.StartsWith("(Line", StringComparison.Ordinal) && paren > 0)
        {
            problem = problem[(paren + 3)..];
        }

        if (problem.Contains("invalid tab", StringComparison.Ordinal))
        {
            return "a tab is used for indentation; indent with spaces only";
        }

        if (problem.Contains("found invalid mapping", StringComparison.Ordinal) || problem.Contains("did not find expected key", StringComparison.Ordinal))
        {
            return $"{problem.TrimEnd('.')}; check the indentation (the keys of one section line up) and quote values that contain ': '";
        }

        return problem;
    }
}
