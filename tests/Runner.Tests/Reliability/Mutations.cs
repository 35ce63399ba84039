using System.Text;
using System.Text.RegularExpressions;

namespace Runner.Tests.Reliability;

/// <summary>
/// Seeded, deterministic damage to runner.yaml text and to command lines: characters, lines, values and keys
/// replaced by what operators (and editors, and shells) really produce, plus the values parsers choke on.
/// </summary>
internal sealed partial class Mutations(int seed)
{
    private readonly Random _random = new(seed);

    /// <summary>Values that have broken parsers before: empty, huge, negative, wrong type, YAML syntax, control characters, paths.</summary>
    public static readonly string[] Values =
    [
        "", "~", "null", "0", "-1", "1", "8", "1024", "1025", "2147483648", "-2147483649", "99999999999999999999", "1e308", "-1e308", "NaN",
        "Infinity", "0x10", "1_000", "true", "false", "yes", "no", "[]", "{}", "[a, b]", "{a: 1}", "[[[]]]", "\"\"", "''", "'", "\"", "&a",
        "*a", "&a x", "!!binary AAAA", "!!int x", "!custom x", "|", ">-", "- a", "? x", ":", "::", "a: b: c", "#", "%YAML 1.2", "@x", "`x`",
        "\t", " ", "\u00e4\u00f6\u00fc", "\u202e", "\ud83d\ude80", "\\0", "\\u0000", "\u0001", "../../../etc/passwd", "/", "/dev/null", "/dev/full",
        "C:\\Windows", "jobs/hello.csx", "jobs/", "secret:", "secret:x", "secret:app-secret", "env:", "env:HOME", "env:NOPE_NOT_SET", "file:",
        "file:/nope.pfx", "http://", "https://", "https://x", "https://localhost:0/", "http://[::1", "ftp://x", "0 0 7 * * ?", "* * * * * ?",
        "0 0 7 * *", "0 0 25 * * ?", "0 0 7 ? * MON-FRI", "0 0 7 L * ?", "0 0 7 31W * ?", "0 0 7 ? * 6#5", "0 0/0 * * * ?", "0 0 7 * * ? 1969",
        "0 0 7 * * ? 99999", "0 0 7 * * * *", "Europe/Berlin", "UTC", "Mars/Olympus", "../../etc/passwd", "Etc/GMT+99", "5m", "90s", "250ms",
        "-5m", "0s", "1e7d", "9999999d", "1e400s", "00:00:00", "99:99:99", "1.00:00:00", "-00:00:01", "10675199.02:48:05.4775807", "P1D",
        "sandbox", "public", "usgov", "china", "custom", "local", "keyvault", "env", "sqlite", "postgres", "table", "json", "csv", "fireOnce",
        "skip", "all", "group:eu", "group:", "name:*", "name:", "contoso.onmicrosoft.com", "00000000-0000-0000-0000-000000000000",
        new string('x', 5000), new string('9', 400), "a\u0000b", "\"a\\0b\"", "\"\\u0000\"", "\"jobs/\\0.csx\"", "\"\\t\"",
    ];

    /// <summary>Every key runner.yaml knows, so mutations also move valid keys to the wrong section.</summary>
    public static readonly string[] Keys =
    [
        "cloud", "endpoints", "partner", "secrets", "state", "tenants", "defaults", "limits", "auth", "jobs", "scheduler", "sandbox",
        "login", "partnerCenter", "resourceManager", "graph", "caFile", "tenant", "clientId", "clientSecret", "certificate",
        "certificatePassword", "store", "vault", "keyFile", "exclude", "groups", "cacheFor", "parallel", "timeout", "output", "token",
        "retries", "retryDelay", "keyVaultWriteInterval", "forceWriteAfter", "warnDays", "consentTimeout", "script", "schedule", "timeZone",
        "params", "jobTimeout", "retryBackoff", "partnerLevel", "misfire", "enabled", "connectionString", "shutdownGrace",
        "historyRetentionDays", "keepAlive", "maxConcurrentJobs", "nodeName", "checkinInterval", "misfireThreshold", "customers", "seed",
        "faults", "latency", "throttleRate", "errorRate", "failingTenants", "tokenOutage", "retryAfter", "slowTenants", "advanceClock",
        "arm", "keyVault", "*", "Cloud", "CLOUD", "unknown", "", "\"quoted\"", "<<",
    ];

    private const string Syntax = ":-[]{}#&*!|>'\"%@`,? \t\n\r\\/.0123456789aZ\u00e4";

    public int Next(int max) => _random.Next(max);

    public T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    /// <summary>One to three mutations of runner.yaml text.</summary>
    public string MutateYaml(string text)
    {
        var count = 1 + _random.Next(3);
        var gentle = _random.Next(2) == 0;
        for (var i = 0; i < count; i++)
        {
            // Half keep the structure (values and keys only), so mutations also reach the binding of every section.
            text = _random.Next(gentle ? 3 : 8) switch
            {
                0 => ReplaceValue(text),
                1 => ReplaceValue(text),
                2 => ReplaceKey(text),
                3 => ReplaceChars(text),
                4 => InsertChars(text),
                5 => DeleteChars(text),
                6 => Reindent(text),
                _ => ShuffleLines(text),
            };
        }

        return text;
    }

    /// <summary>RUNNER__SECTION__KEY overrides: real paths and nonsense, with values from <see cref="Values"/>.</summary>
    public Dictionary<string, string> MutateEnvironment()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var count = 1 + _random.Next(3);
        for (var i = 0; i < count; i++)
        {
            var depth = _random.Next(4);
            var path = string.Join("__", Enumerable.Range(0, depth + 1).Select(_ => Pick(Keys).ToUpperInvariant()));
            var name = _random.Next(10) == 0 ? "RUNNER__" + Pick(["", "_", "__", "____", "X__", "__X"]) : "RUNNER__" + path;
            result[name] = Pick(Values);
        }

        return result;
    }

    /// <summary>
    /// A command line changed by one to three token edits: drop, repeat, swap, replace, split or join. Most keep the
    /// first <paramref name="commandWords"/> tokens (the command) so the edits reach its options and its action, not
    /// only the parser; the rest may hit the command too.
    /// </summary>
    public string[] MutateArguments(IReadOnlyList<string> args, int commandWords, IReadOnlyList<string> tokens)
    {
        var list = args.ToList();
        var keep = _random.Next(5) == 0 ? 0 : Math.Min(commandWords, list.Count);
        var count = 1 + _random.Next(_random.Next(2) == 0 ? 1 : 3);
        // Half keep the command line's shape and change only what arguments and options are given, so they reach the
        // command's action; the other half may break the shape too.
        var gentle = _random.Next(2) == 0;
        for (var i = 0; i < count; i++)
        {
            var at = list.Count > keep ? keep + _random.Next(list.Count - keep) : list.Count;
            var inside = at < list.Count;
            if (gentle)
            {
                var given = Enumerable.Range(keep, list.Count - keep).Where(v => !list[v].StartsWith('-')).ToList();
                if (given.Count > 0)
                {
                    list[Pick(given)] = Pick(Values);
                }

                continue;
            }

            switch (_random.Next(10))
            {
                case 0 when inside:
                    list.RemoveAt(at);
                    break;
                case 1 when inside:
                    list.Insert(at, list[at]);
                    break;
                case 2 when inside && list.Count - keep > 1:
                    var other = keep + _random.Next(list.Count - keep);
                    (list[at], list[other]) = (list[other], list[at]);
                    break;
                case 3:
                    list.Insert(at, Pick(tokens));
                    break;
                case 4 or 5 or 6 when inside:
                    // Mostly an option's value: the option stays, what it is given changes.
                    var values = Enumerable.Range(Math.Max(keep, 1), Math.Max(0, list.Count - Math.Max(keep, 1)))
                        .Where(v => list[v - 1].StartsWith('-') && !list[v].StartsWith('-')).ToList();
                    list[values.Count > 0 && _random.Next(4) > 0 ? Pick(values) : at] = Pick(Values);
                    break;
                case 7 when inside && at + 1 < list.Count:
                    list[at] = $"{list[at]}={list[at + 1]}";
                    list.RemoveAt(at + 1);
                    break;
                default:
                    // Another option with a value, between two options (or at the end) where one fits.
                    var boundaries = Enumerable.Range(keep, list.Count - keep + 1).Where(b => b == list.Count || list[b].StartsWith('-')).ToList();
                    var where = Pick(boundaries);
                    list.Insert(where, Pick(tokens.Where(t => t.StartsWith('-')).ToList()));
                    list.Insert(where + 1, Pick(Values));
                    break;
            }
        }

        return [.. list];
    }

    private string ReplaceValue(string text)
    {
        var matches = ValuePattern().Matches(text);
        if (matches.Count == 0)
        {
            return text;
        }

        var value = Pick(matches.Select(m => m.Groups["value"]).ToList());
        var replacement = Pick(Values);
        if (_random.Next(3) == 0)
        {
            replacement = $"\"{replacement.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
        }

        return string.Concat(text.AsSpan(0, value.Index), replacement, text.AsSpan(value.Index + value.Length));
    }

    private string ReplaceKey(string text)
    {
        var matches = KeyPattern().Matches(text);
        if (matches.Count == 0)
        {
            return text;
        }

        var key = Pick(matches.Select(m => m.Groups["key"]).ToList());
        return string.Concat(text.AsSpan(0, key.Index), Pick(Keys), text.AsSpan(key.Index + key.Length));
    }

    private string ReplaceChars(string text)
    {
        if (text.Length == 0)
        {
            return text;
        }

        var builder = new StringBuilder(text);
        var at = _random.Next(text.Length);
        for (var i = 0; i < 1 + _random.Next(3) && at + i < builder.Length; i++)
        {
            builder[at + i] = Syntax[_random.Next(Syntax.Length)];
        }

        return builder.ToString();
    }

    private string InsertChars(string text)
    {
        var at = _random.Next(text.Length + 1);
        var insert = new string(Enumerable.Range(0, 1 + _random.Next(3)).Select(_ => Syntax[_random.Next(Syntax.Length)]).ToArray());
        return text.Insert(at, insert);
    }

    private string DeleteChars(string text)
    {
        if (text.Length == 0)
        {
            return text;
        }

        var at = _random.Next(text.Length);
        return text.Remove(at, Math.Min(1 + _random.Next(_random.Next(4) == 0 ? 40 : 3), text.Length - at));
    }

    private string Reindent(string text)
    {
        var lines = text.Split('\n');
        var at = _random.Next(lines.Length);
        lines[at] = _random.Next(4) switch
        {
            0 => "  " + lines[at],
            1 => lines[at].TrimStart(' '),
            2 => "\t" + lines[at].TrimStart(' '),
            _ => " " + lines[at],
        };
        return string.Join('\n', lines);
    }

    private string ShuffleLines(string text)
    {
        var lines = text.Split('\n').ToList();
        var at = _random.Next(lines.Count);
        switch (_random.Next(4))
        {
            case 0:
                lines.RemoveAt(at);
                break;
            case 1:
                lines.Insert(at, lines[at]);
                break;
            case 2 when at + 1 < lines.Count:
                (lines[at], lines[at + 1]) = (lines[at + 1], lines[at]);
                break;
            default:
                lines.Insert(at, lines[_random.Next(lines.Count)]);
                break;
        }

        return string.Join('\n', lines);
    }

    [GeneratedRegex(@"^[ -]*[A-Za-z*]+:[ ]+(?<value>[^\n#]*?)\s*$", RegexOptions.Multiline)]
    private static partial Regex ValuePattern();

    [GeneratedRegex(@"^[ -]*(?<key>[A-Za-z*][A-Za-z0-9.-]*):", RegexOptions.Multiline)]
    private static partial Regex KeyPattern();
}
