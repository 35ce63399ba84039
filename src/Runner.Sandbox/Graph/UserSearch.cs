using Runner.Sandbox.Data;

namespace Runner.Sandbox.Graph;

/// <summary>
/// $search on users: "property:words" clauses joined by OR or AND, each matching when the property contains the
/// words (Graph tokenizes and prefix-matches; a case-insensitive substring is close enough for scripts to be tried).
/// </summary>
internal static class UserSearch
{
    private static readonly string[] Searchable = ["displayName", "givenName", "surname", "mail", "userPrincipalName", "jobTitle"];

    public static Func<SandboxUser, bool> Parse(string search)
    {
        var text = search.Trim();
        var any = text.Contains(" OR ", StringComparison.Ordinal);
        var clauses = text.Split(any ? " OR " : " AND ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(Clause)
            .ToList();
        return any ? u => clauses.Any(c => c(u)) : u => clauses.All(c => c(u));
    }

    private static Func<SandboxUser, bool> Clause(string clause)
    {
        if (clause.Length < 2 || clause[0] != '"' || clause[^1] != '"' || clause.IndexOf(':', StringComparison.Ordinal) is var colon && colon < 0)
        {
            throw new ODataQueryException("Request_UnsupportedQuery", $"Syntax error: '{clause}' is not a \"property:value\" search clause.");
        }

        var property = Searchable.FirstOrDefault(p => string.Equals(p, clause[1..colon], StringComparison.OrdinalIgnoreCase))
            ?? throw new ODataQueryException("Request_UnsupportedQuery", $"Unsupported search property '{clause[1..colon]}'.");
        var value = clause[(colon + 1)..^1];
        var get = UserProperties.Filterable[property].Get;
        return u => get(u) is string s && s.Contains(value, StringComparison.OrdinalIgnoreCase);
    }
}
