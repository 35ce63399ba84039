using System.Globalization;

namespace Runner.Sandbox.Graph;

/// <summary>The OData types the sandbox's filterable properties have, named as Graph's errors name them.</summary>
internal enum EdmType
{
    String,
    Boolean,
    DateTimeOffset,
    Guid,
    Int32,
}

/// <summary>A property $filter may name: its type, its value, and for a collection (any()) the values inside.</summary>
internal sealed record FilterProperty<T>(EdmType Type, Func<T, object?> Get, bool IsCollection = false);

/// <summary>A parsed $filter: the predicate, and which operators were used on which properties (for Graph's rules).</summary>
internal sealed record ParsedFilter<T>(Func<T, bool> Predicate, IReadOnlyList<(string Property, string Operator)> Uses);

/// <summary>
/// A small OData $filter parser: eq, ne, ge, le, gt, lt, in, startswith(), endswith(), any() on a collection,
/// and, or, not and parentheses, over string, boolean, null, GUID, integer and date-time literals. Syntax errors, unknown
/// properties and type mismatches raise <see cref="ODataQueryException"/> with Graph's codes and words.
/// </summary>
internal sealed class ODataFilter<T>
{
    private readonly IReadOnlyDictionary<string, FilterProperty<T>> _properties;
    private readonly string _entity;
    private readonly List<string> _tokens;
    private readonly List<(string, string)> _uses = [];
    private int _position;

    private ODataFilter(string text, IReadOnlyDictionary<string, FilterProperty<T>> properties, string entity)
    {
        _properties = properties;
        _entity = entity;
        _tokens = ODataTokens.Split(text);
    }

    /// <param name="entity">The OData type for messages, for example microsoft.graph.user.</param>
    public static ParsedFilter<T> Parse(string text, IReadOnlyDictionary<string, FilterProperty<T>> properties, string entity)
    {
        var parser = new ODataFilter<T>(text, properties, entity);
        var predicate = parser.ParseOr();
        if (parser._position != parser._tokens.Count)
        {
            throw Syntax($"syntax error at '{parser._tokens[parser._position]}'");
        }

        return new ParsedFilter<T>(predicate, parser._uses);
    }

    private Func<T, bool> ParseOr()
    {
        var left = ParseAnd();
        while (Accept("or"))
        {
            var (l, r) = (left, ParseAnd());
            left = x => l(x) || r(x);
        }

        return left;
    }

    private Func<T, bool> ParseAnd()
    {
        var left = ParseUnary();
        while (Accept("and"))
        {
            var (l, r) = (left, ParseUnary());
            left = x => l(x) && r(x);
        }

        return left;
    }

    private Func<T, bool> ParseUnary()
    {
        if (Accept("not"))
        {
            var inner = ParseUnary();
            _uses.Add(("", "not"));
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
            var (name, property) = Property(Next());
            Expect(",");
            var literal = Literal(Next()) as string ?? throw Syntax($"{function} needs a string literal");
            Expect(")");
            Check(property, literal, function);
            _uses.Add((name, function));
            return function == "startswith"
                ? x => property.Get(x) is string s && s.StartsWith(literal, StringComparison.OrdinalIgnoreCase)
                : x => property.Get(x) is string s && s.EndsWith(literal, StringComparison.OrdinalIgnoreCase);
        }

        var token = Next();
        if (token.EndsWith("/any", StringComparison.OrdinalIgnoreCase))
        {
            return ParseAny(token[..^4]);
        }

        var (propertyName, getter) = Property(token);
        var op = Next().ToLowerInvariant();
        _uses.Add((propertyName, op));
        if (op == "in")
        {
            var values = ParseList();
            values.ForEach(v => Check(getter, v, op));
            return x => values.Any(v => Compare(getter.Get(x), v) == 0);
        }

        var value = Literal(Next());
        Check(getter, value, op);
        return op switch
        {
            "eq" => x => Compare(getter.Get(x), value) == 0,
            "ne" => x => Compare(getter.Get(x), value) != 0,
            "gt" => x => Compare(getter.Get(x), value) > 0,
            "ge" => x => Compare(getter.Get(x), value) >= 0,
            "lt" => x => Compare(getter.Get(x), value) < 0,
            "le" => x => Compare(getter.Get(x), value) <= 0,
            _ => throw Syntax($"unsupported operator '{op}'"),
        };
    }

    /// <summary>collection/any(v:v/member eq literal), for example assignedLicenses/any(s:s/skuId eq {guid}).</summary>
    private Func<T, bool> ParseAny(string collection)
    {
        Expect("(");
        var lambda = Next();
        var colon = lambda.IndexOf(':', StringComparison.Ordinal);
        // A collection of values compares the variable itself (groupTypes/any(c:c eq 'Unified')), one of objects a member.
        var primitive = colon > 0 && lambda[(colon + 1)..] == lambda[..colon];
        if (colon <= 0 || (!primitive && !lambda[(colon + 1)..].StartsWith(lambda[..colon] + "/", StringComparison.Ordinal)))
        {
            throw Syntax($"'{lambda}' is not a lambda such as s:s/skuId or c:c");
        }

        var (name, property) = Property(primitive ? collection : $"{collection}/{lambda[(colon + 2 + colon)..]}");
        if (!property.IsCollection)
        {
            throw Syntax($"'{collection}' is not a collection");
        }

        Expect("eq");
        var value = Literal(Next());
        Check(property, value, "eq");
        Expect(")");
        _uses.Add((name, "any"));
        return x => property.Get(x) is IEnumerable<object> items && items.Any(i => Compare(i, value) == 0);
    }

    private List<object?> ParseList()
    {
        Expect("(");
        var values = new List<object?> { Literal(Next()) };
        while (Accept(","))
        {
            values.Add(Literal(Next()));
        }

        Expect(")");
        return values;
    }

    /// <summary>
    /// Compares a property value with a literal; null when the two cannot be ordered. As in OData, null equals only
    /// null and is neither greater nor less than anything, so "le" never matches a user who never signed in.
    /// </summary>
    private static int? Compare(object? left, object? right)
    {
        if (left is null || right is null)
        {
            return left is null && right is null ? 0 : null;
        }

        return (left, right) switch
        {
            (string a, string b) => string.Compare(a, b, StringComparison.OrdinalIgnoreCase),
            (bool a, bool b) => a == b ? 0 : null,
            (Guid a, Guid b) => a == b ? 0 : null,
            (DateTimeOffset a, DateTimeOffset b) => a.CompareTo(b),
            (int a, int b) => a.CompareTo(b),
            _ => null,
        };
    }

    /// <summary>Refuses a literal of another type than the property, as OData's binder does.</summary>
    private static void Check(FilterProperty<T> property, object? literal, string op)
    {
        var literalType = literal switch
        {
            null => (EdmType?)null,
            string => EdmType.String,
            bool => EdmType.Boolean,
            Guid => EdmType.Guid,
            DateTimeOffset => EdmType.DateTimeOffset,
            int => EdmType.Int32,
            _ => null,
        };
        if (literalType is { } type && type != property.Type)
        {
            var kind = op switch
            {
                "eq" or "in" or "any" => "Equal",
                "ne" => "NotEqual",
                "ge" => "GreaterThanOrEqual",
                "le" => "LessThanOrEqual",
                "gt" => "GreaterThan",
                "lt" => "LessThan",
                _ => op,
            };
            throw Syntax($"A binary operator with incompatible types was detected. Found operand types 'Edm.{property.Type}' and 'Edm.{type}' for operator kind '{kind}'");
        }
    }

    private (string Name, FilterProperty<T> Property) Property(string name)
    {
        foreach (var (key, property) in _properties)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return (key, property);
            }
        }

        throw new ODataQueryException("BadRequest", $"Could not find a property named '{name.Split('/')[0]}' on type '{_entity}'.");
    }

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

        if (int.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        if (token.Contains('T', StringComparison.Ordinal) && DateTimeOffset.TryParse(token, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            return date;
        }

        throw Syntax($"'{token}' is not a valid literal");
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
            throw Syntax($"expected '{token}'");
        }
    }

    private string Next() => _position < _tokens.Count ? _tokens[_position++] : throw Syntax("unexpected end of expression");

    private static ODataQueryException Syntax(string detail) => new("BadRequest", $"Invalid filter clause: {detail}.");
}

/// <summary>A query Graph refuses; Code is Graph's error code (BadRequest, Request_UnsupportedQuery, ...).</summary>
internal sealed class ODataQueryException(string code, string message, int status = 400) : Exception(message)
{
    /// <summary>What Graph's reports and audit logs answer in a tenant without Entra ID P1 or P2.</summary>
    public static ODataQueryException NonPremiumTenant() =>
        new("Authentication_RequestFromNonPremiumTenantOrB2CTenant", "Neither tenant is B2C or tenant doesn't have premium license", 403);

    public string Code { get; } = code;

    public int Status { get; } = status;
}
