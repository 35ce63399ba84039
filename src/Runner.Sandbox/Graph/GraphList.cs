using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// One page of a Graph collection other than /users: $top (1 to 999, default 100), $skiptoken in an absolute
/// @odata.nextLink, and $select keeping the named properties (unknown names refused as Graph refuses them). $filter,
/// $orderby, $search and $expand the endpoint did not apply are answered 501, never ignored.
/// </summary>
internal static class GraphList
{
    private const int MaxTop = 999;

    /// <summary>Entity sets of directory objects, where $count is an advanced query.</summary>
    private static readonly HashSet<string> DirectoryObjects = new(StringComparer.OrdinalIgnoreCase)
    {
        "groups", "devices", "applications", "servicePrincipals", "directoryRoles", "directoryObjects", "users",
    };

    /// <param name="expanded">The navigation property the endpoint expanded ($expand), kept whatever $select says; any
    /// other $expand is answered 501.</param>
    public static async Task Write(HttpContext http, GraphApi graph, string entitySet, string entity, IReadOnlyList<JsonObject> items, int defaultTop = 100, string? expanded = null)
    {
        int top = defaultTop, skip;
        string[]? select = null;
        try
        {
            if (http.Query("$top") is { } topText && (!int.TryParse(topText, NumberStyles.None, CultureInfo.InvariantCulture, out top) || top < 1 || top > MaxTop))
            {
                throw new ODataQueryException("Request_BadRequest", $"Invalid page size specified: '{topText}'. Must be between 1 and {MaxTop} inclusive.");
            }

            // Never ignored silently either: a job that filters or sorts would read every item, or the wrong order.
            foreach (var option in new[] { "$filter", "$orderby", "$search" })
            {
                if (http.Query(option) is { Length: > 0 } asked && !http.Items.ContainsKey(option))
                {
                    throw new ODataQueryException("NotImplemented", $"The sandbox does not emulate {option}={asked} on {entitySet}. {SandboxDocs.Page} lists what it emulates.", 501);
                }
            }

            if (expanded is null && http.Query("$expand") is { Length: > 0 } expand)
            {
                // Never dropped silently: a job that expands would read a list without what it expanded.
                throw new ODataQueryException("NotImplemented", $"The sandbox does not emulate $expand={expand} on {entitySet}. {SandboxDocs.Page} lists what it emulates.", 501);
            }

            if (http.Query("$count") is { } count && count.Equals("true", StringComparison.OrdinalIgnoreCase) && DirectoryObjects.Contains(entitySet) &&
                !string.Equals(http.Request.Headers["ConsistencyLevel"].ToString(), "eventual", StringComparison.OrdinalIgnoreCase))
            {
                // "Advanced query capabilities on directory objects": $count on these needs ConsistencyLevel: eventual.
                throw new ODataQueryException("Request_UnsupportedQuery", $"$count is not supported because the 'ConsistencyLevel:eventual' header is missing. {UserQuery.AdvancedHint}");
            }

            skip = UserQuery.ReadSkipToken(http.Query("$skiptoken"));
            if (http.Query("$select") is { Length: > 0 } selectText)
            {
                select = selectText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                var known = items.Count > 0 ? items[0].Select(p => p.Key).ToHashSet(StringComparer.OrdinalIgnoreCase) : null;
                if (known is not null && select.FirstOrDefault(s => !known.Contains(s)) is { } unknown)
                {
                    throw new ODataQueryException("BadRequest", $"Parsing OData Select and Expand failed: Could not find a property named '{unknown}' on type '{entity}'.");
                }
            }
        }
        catch (ODataQueryException e)
        {
            await graph.Error(http, e.Status, e.Code, e.Message);
            return;
        }

        var page = items.Skip(skip).Take(top).Select(item => (JsonNode)Project(item, select, expanded)).ToArray();
        var body = new JsonObject { ["@odata.context"] = graph.Context(http, entitySet) };
        if (http.Query("$count") is { } counting && counting.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            body["@odata.count"] = items.Count;
        }

        if (skip + page.Length < items.Count)
        {
            body["@odata.nextLink"] = graph.NextLink(http, skip + page.Length);
        }

        body["value"] = new JsonArray(page);
        await http.WriteJson(body);
    }

    /// <summary>The request's $filter as a predicate (every item when there is none), or null after answering the 400
    /// Graph gives a filter it cannot parse, or one using an operator outside <paramref name="operators"/> (the ones
    /// the endpoint's page lists, when it lists them: any() counts as eq).</summary>
    public static async Task<Func<T, bool>?> Filter<T>(HttpContext http, GraphApi graph, IReadOnlyDictionary<string, FilterProperty<T>> properties, string entity,
        IReadOnlyCollection<string>? operators = null)
    {
        Handled(http, "$filter");
        if (http.Query("$filter") is not { Length: > 0 } text)
        {
            return _ => true;
        }

        try
        {
            var parsed = ODataFilter<T>.Parse(text, properties, entity);
            if (operators is not null && parsed.Uses.FirstOrDefault(u => !operators.Contains(u.Operator == "any" ? "eq" : u.Operator)) is { Property: not null } unsupported)
            {
                throw new ODataQueryException("Request_UnsupportedQuery", $"Unsupported filter operator '{unsupported.Operator}' on property '{unsupported.Property}' of {entity}.");
            }

            return parsed.Predicate;
        }
        catch (ODataQueryException e)
        {
            await graph.Error(http, e.Status, e.Code, e.Message);
            return null;
        }
    }

    /// <summary>Says the endpoint applied a query option (<c>$filter</c>, <c>$orderby</c>, <c>$search</c>) itself, so
    /// <see cref="Write"/> does not refuse it as not emulated.</summary>
    public static void Handled(HttpContext http, string option) => http.Items[option] = true;

    private static JsonObject Project(JsonObject item, string[]? select, string? expanded)
    {
        if (select is null)
        {
            return (JsonObject)item.DeepClone();
        }

        var json = new JsonObject();
        foreach (var (key, value) in item)
        {
            // Graph returns the id (and the type of a derived entity) whether selected or not.
            if (key is "id" or "@odata.type" || key == expanded || select.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                json[key] = value?.DeepClone();
            }
        }

        return json;
    }
}
