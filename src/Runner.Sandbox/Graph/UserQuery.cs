using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// The query options of GET /users, checked as Graph checks them: $select and $filter against the user's properties,
/// advanced queries (ne, not, endsWith, $count, $search, filters on officeLocation) only with ConsistencyLevel:
/// eventual and $count=true, signInActivity only with AuditLog.Read.All and not mixed with other filters.
/// </summary>
internal sealed record UserQuery(string[] Select, Func<SandboxUser, bool> Filter, Func<IEnumerable<SandboxUser>, IEnumerable<SandboxUser>> Order, int Top, int Skip, bool Count)
{
    /// <summary>$expand=manager, with the manager's properties ($expand=manager($select=...)); null without it.</summary>
    public string[]? ExpandManager { get; init; }

    /// <summary>$expand=memberOf: the groups and roles the user is a member of, at most 20 as Graph expands them.</summary>
    public bool ExpandMemberOf { get; init; }

    private const int DefaultTop = 100;
    private const int MaxTop = 999;
    private const int SignInActivityMaxTop = 120;

    /// <summary>Every "advanced query" error ends with this pointer, as Graph's own do.</summary>
    internal const string AdvancedHint = "Refer to https://aka.ms/graph-docs/advanced-queries for more information";

    public static UserQuery Parse(HttpContext http, ApiCaller caller, bool list)
    {
        var advancedHeader = string.Equals(http.Request.Headers["ConsistencyLevel"].ToString(), "eventual", StringComparison.OrdinalIgnoreCase);
        var count = string.Equals(http.Query("$count"), "true", StringComparison.OrdinalIgnoreCase);
        if (count && !advancedHeader)
        {
            throw new ODataQueryException("Request_UnsupportedQuery", $"$count is not supported because the 'ConsistencyLevel:eventual' header is missing. {AdvancedHint}");
        }

        var select = ParseSelect(http.Query("$select"), caller);
        var memberOf = string.Equals(http.Query("$expand")?.Trim(), "memberOf", StringComparison.OrdinalIgnoreCase);
        var expand = memberOf ? null : ParseExpand(http.Query("$expand"), caller);
        if (!list)
        {
            return new UserQuery(select, _ => true, u => u, 1, 0, false) { ExpandManager = expand, ExpandMemberOf = memberOf };
        }

        Func<SandboxUser, bool> filter = _ => true;
        if (http.Query("$filter") is { Length: > 0 } text)
        {
            var parsed = ODataFilter<SandboxUser>.Parse(text, UserProperties.Filterable, UserProperties.Entity);
            CheckFilter(parsed.Uses, advancedHeader && count, caller);
            filter = parsed.Predicate;
        }

        if (http.Query("$search") is { Length: > 0 } search)
        {
            if (!advancedHeader)
            {
                throw new ODataQueryException("Request_UnsupportedQuery", "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'");
            }

            var searchFilter = UserSearch.Parse(search);
            var previous = filter;
            filter = u => previous(u) && searchFilter(u);
        }

        var top = DefaultTop;
        if (http.Query("$top") is { } topText && (!int.TryParse(topText, NumberStyles.None, CultureInfo.InvariantCulture, out top) || top < 1 || top > MaxTop))
        {
            throw new ODataQueryException("Request_BadRequest", $"Invalid page size specified: '{topText}'. Must be between 1 and {MaxTop} inclusive.");
        }

        if (select.Contains("signInActivity") || (http.Query("$filter") ?? "").Contains("signInActivity", StringComparison.OrdinalIgnoreCase))
        {
            // Documented: with signInActivity selected or filtered, pages hold at most 120 users whatever $top says.
            top = Math.Min(top, SignInActivityMaxTop);
        }

        return new UserQuery(select, filter, ParseOrder(http.Query("$orderby"), http.Query("$filter") is { Length: > 0 }, advancedHeader && count), top, ReadSkipToken(http.Query("$skiptoken")), count)
        {
            ExpandManager = expand,
            ExpandMemberOf = memberOf,
        };
    }

    /// <summary>$expand=manager or manager($select=a,b) (memberOf is read before); any other expansion is answered 501,
    /// never silently dropped.</summary>
    private static string[]? ParseExpand(string? expand, ApiCaller caller)
    {
        if (string.IsNullOrWhiteSpace(expand))
        {
            return null;
        }

        var text = expand.Trim();
        if (text.Equals("manager", StringComparison.OrdinalIgnoreCase))
        {
            return UserProperties.Default;
        }

        const string Prefix = "manager($select=";
        if (text.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) && text.EndsWith(')'))
        {
            return ParseSelect(text[Prefix.Length..^1], caller);
        }

        throw new ODataQueryException("NotImplemented", $"The sandbox does not emulate $expand={expand} on users; it expands manager and memberOf. {SandboxDocs.Page} lists what it emulates.", 501);
    }

    public static string WriteSkipToken(int offset) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"skip:{offset}"));

    public static int ReadSkipToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return 0;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            if (text.StartsWith("skip:", StringComparison.Ordinal) && int.TryParse(text.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                return n;
            }
        }
        catch (FormatException)
        {
        }

        throw new ODataQueryException("Directory_ExpiredPageToken", "The specified page token value has expired and can no longer be included in your request.");
    }

    private static string[] ParseSelect(string? select, ApiCaller caller)
    {
        if (string.IsNullOrWhiteSpace(select))
        {
            return UserProperties.Default;
        }

        var names = new List<string>();
        foreach (var name in select.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var canonical = UserProperties.Canonical(name)
                ?? throw new ODataQueryException("BadRequest", $"Parsing OData Select and Expand failed: Could not find a property named '{name}' on type '{UserProperties.Entity}'.");
            if (UserProperties.NeedAuditLog.Contains(canonical))
            {
                RequireAuditLog(caller);
            }

            names.Add(canonical);
        }

        // Graph returns the id of every entity, selected or not.
        names.Add("id");
        return names.Distinct().ToArray();
    }

    private static void CheckFilter(IReadOnlyList<(string Property, string Operator)> uses, bool advanced, ApiCaller caller)
    {
        var signIn = uses.Any(u => u.Property.StartsWith("signInActivity", StringComparison.Ordinal));
        if (signIn)
        {
            RequireAuditLog(caller);
            if (uses.Any(u => u.Property.Length > 0 && !u.Property.StartsWith("signInActivity", StringComparison.Ordinal)))
            {
                // Documented: signInActivity supports $filter "but not with any other filterable properties".
                throw Unsupported("signInActivity");
            }
        }

        foreach (var (property, op) in uses)
        {
            if (op is "gt" or "lt")
            {
                throw new ODataQueryException("Request_UnsupportedQuery", $"Filter operator '{(op == "gt" ? "GreaterThan" : "LessThan")}' is not supported.");
            }

            if (property.Length == 0)
            {
                if (!advanced)
                {
                    throw NeedsAdvanced(op);
                }

                continue;
            }

            var (basic, advancedOnly) = UserProperties.FilterOperators[property];
            if (basic.Contains(op) || (advanced && advancedOnly.Contains(op)))
            {
                continue;
            }

            throw advancedOnly.Contains(op) && basic.Length > 0 ? NeedsAdvanced(op) : Unsupported(property.Split('/')[0]);
        }
    }

    private static ODataQueryException NeedsAdvanced(string op) =>
        new("Request_UnsupportedQuery",
            $"Operator '{(op == "endswith" ? "endsWith" : op)}' is not supported because the required parameters might be missing. Try adding $count with a value of true, and ConsistencyLevel header with a value of eventual. {AdvancedHint}");

    private static Func<IEnumerable<SandboxUser>, IEnumerable<SandboxUser>> ParseOrder(string? orderBy, bool filtered, bool advanced)
    {
        if (string.IsNullOrWhiteSpace(orderBy))
        {
            return users => users;
        }

        var parts = orderBy.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var property = UserProperties.Sortable.FirstOrDefault(p => string.Equals(p, parts[0], StringComparison.OrdinalIgnoreCase));
        var descending = parts.Length > 1 && string.Equals(parts[1], "desc", StringComparison.OrdinalIgnoreCase);
        if (property is null || parts.Length > 2 || (filtered && !advanced))
        {
            // Graph sorts users by displayName or userPrincipalName only, and with $filter only in an advanced query.
            throw new ODataQueryException("Request_UnsupportedQuery", "Sorting not supported for current query.");
        }

        var key = UserProperties.Filterable[property].Get;
        return users => descending
            ? users.OrderByDescending(u => (string?)key(u), StringComparer.OrdinalIgnoreCase)
            : users.OrderBy(u => (string?)key(u), StringComparer.OrdinalIgnoreCase);
    }

    private static void RequireAuditLog(ApiCaller caller)
    {
        if (!caller.Permissions.Contains("AuditLog.Read.All"))
        {
            throw new ODataQueryException("Authentication_MSGraphPermissionMissing", "Calling principal does not have required MSGraph permissions AuditLog.Read.All", 403);
        }

        // "signInActivity resource type": reading it requires Microsoft Entra ID P1 or P2 in the tenant.
        if (!DirectorySeeder.HasPremium(caller.Tenant.Content))
        {
            throw ODataQueryException.NonPremiumTenant();
        }
    }

    private static ODataQueryException Unsupported(string property) =>
        new("Request_UnsupportedQuery", $"Unsupported or invalid query filter clause specified for property '{property}' of resource 'User'.");
}
