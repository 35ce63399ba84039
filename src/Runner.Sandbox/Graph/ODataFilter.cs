using System.Globalization;

namespace Runner.Sandbox.Graph;

/// <summary>
/// A small OData $filter parser: eq, ne, gt, ge, lt, le, startswith(), and, or, not and parentheses, over
/// string, boolean, null, GUID and date-time literals. Unknown properties and syntax errors raise
/// <see cref="ODataQueryException"/> with a message in Graph's words.
/// </summary>
internal sealed class ODataFilter<T>
{
    private readonly IReadOnlyDictionary<string, Func<T, object?>> _properties;
    private readonly List<string> _tokens;
    private int _position;

    private ODataFilter(string text, IReadOnlyDictionary<string, Func<T, object?>> properties)
    {
        _properties = properties;
        _tokens = Tokenize(text);
    }

    public static Func<T, bool> Parse(string text, IReadOnlyDictionary<string, Func<T, object?>> properties)
    {
        var parser = new ODataFilter<T>(text, properties);
        var predicate = parser.ParseOr();
        if (parser._position != parser._tokens.Count)
        {
            throw new ODataQueryException($"Invalid filter clause: syntax error at '{parser._tokens[parser._position]}'.");
        }

        return predicate;
    }

    private Func<T, bool> ParseOr()
    {
        var left = ParseAnd();
        while (Accept("or"))
        {
            var l = left;
            var r = ParseAnd();
            left = x => l(x) || r(x);
        }

        return left;
    }

    private Func<T, bool> ParseAnd()
    {
        var left = ParseUnary();
        while (Accept("and"))
        {
            var l = left;
            var r = ParseUnary();
            left = x => l(x) && r(x);
        }

        return left;
    }

    private Func<T, bool> ParseUnary()
    {
        if (Accept("not"))
        {
            var inner = ParseUnary();
            return x => !inner(x);
        }

        if (Accept("("))
        {
            var inner = ParseOr();
            Expect(")");
            return inner;
        }

        if (Accept("startswith") || Accept("endswith"))
        {
            var function = _tokens[_position - 1].ToLowerInvariant();
            Expect("(");
            var property = Property(Next());
            Expect(",");
            var literal = Literal(Next()) as string ?? throw new ODataQueryException($"Invalid filter clause: {function} needs a string literal.");
            Expect(")");
            return function == "startswith"
                ? x => property(x) is string s && s.StartsWith(literal, StringComparison.OrdinalIgnoreCase)
                : x => property(x) is string s && s.EndsWith(literal, StringComparison.OrdinalIgnoreCase);
        }

        var getter = Property(Next());
        var op = Next().ToLowerInvariant();
        var value = Literal(Next());
        return op switch
        {
            "eq" => x => Compare(getter(x), value) == 0,
            "ne" => x => Compare(getter(x), value) != 0,
            "gt" => x => Compare(getter(x), value) is > 0 and not int.MaxValue,
            "ge" => x => Compare(getter(x), value) is >= 0 and not int.MaxValue,
            "lt" => x => Compare(getter(x), value) < 0,
            "le" => x => Compare(getter(x), value) <= 0,
            _ => throw new ODataQueryException($"Invalid filter clause: unsupported operator '{op}'."),
        };
    }

    /// <summary>Compares a property value with a literal; int.MaxValue when the two cannot be ordered.</summary>
    private static int Compare(object? left, object? right)
    {
        if (left is null || right is null)
        {
            return left is null && right is null ? 0 : (left is null ? -1 : int.MaxValue);
        }

        return (left, right) switch
        {
            (string a, string b) => string.Compare(a, b, StringComparison.OrdinalIgnoreCase),
            (bool a, bool b) => a == b ? 0 : int.MaxValue,
            (Guid a, Guid b) => a == b ? 0 : int.MaxValue,
            (Guid a, string b) => string.Equals(a.ToString(), b, StringComparison.OrdinalIgnoreCase) ? 0 : int.MaxValue,
            (DateTimeOffset a, DateTimeOffset b) => a.CompareTo(b),
            (int a, int b) => a.CompareTo(b),
            _ => int.MaxValue,
        };
    }

    private Func<T, object?> Property(string name) =>
        _properties.TryGetValue(name, out var getter)
            ? getter
            : throw new ODataQueryException($"Could not find a property named '{name.Split('/')[0]}' on type 'microsoft.graph.user'.");

    private static object? Literal(string token)
    {
        if (token.Length >= 2 && token[0] == '\'' && token[^1] == '\'')
        {
            return token[1..^1].Replace("''", "'", StringComparison.Ordinal);
        }

        if (token is "true" or "false")
        {
            return token == "true";
        }

        if (token == "null")
        {
            return null;
        }

        if (Guid.TryParse(token, out var guid))
        {
            return guid;
        }

        if (DateTimeOffset.TryParse(token, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            return date;
        }

        if (int.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        throw new ODataQueryException($"Invalid filter clause: '{token}' is not a valid literal.");
    }

    private bool Accept(string token)
    {
        if (_position < _tokens.Count && string.Equals(_tokens[_position], token, StringComparison.OrdinalIgnoreCase))
        {
            _position++;
            return true;
        }

        return false;
    }

    private void Expect(string token)
    {
        if (!Accept(token))
        {
            throw new ODataQueryException($"Invalid filter clause: expected '{token}'.");
        }
    }

    private string Next() =>
        _position < _tokens.Count ? _tokens[_position++] : throw new ODataQueryException("Invalid filter clause: unexpected end of expression.");

    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '(' or ')' or ',')
            {
                tokens.Add(c.ToString());
                i++;
            }
            else if (c == '\'')
            {
                var start = i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new ODataQueryException("Invalid filter clause: unterminated string literal.");
                    }

                    if (text[i] == '\'')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '\'')
                        {
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    i++;
                }

                tokens.Add(text[start..i]);
            }
            else
            {
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not '(' and not ')' and not ',')
                {
                    i++;
                }

                tokens.Add(text[start..i]);
            }
        }

        return tokens;
    }
}

internal sealed class ODataQueryException(string message) : Exception(message);
