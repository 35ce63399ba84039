using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.ResourceManager;

/// <summary>What an ARM $filter can look at: a resource (or a resource group, which has no type of its own).</summary>
internal sealed record ArmFilterTarget(string Name, string ResourceType, string Location, string ResourceGroup, IReadOnlyDictionary<string, string> Tags);

/// <summary>
/// ARM's $filter for resource and resource group lists: terms such as resourceType eq 'X', name eq 'X',
/// location eq 'X', resourceGroup eq 'X', substringof('x', name), and tagName eq 'X' [and tagValue eq 'Y'],
/// joined by and (or by or). Anything else is refused with InvalidFilterInQueryString, as ARM does.
/// </summary>
internal static partial class ArmFilter
{
    /// <summary>The request's $filter; null once it has answered a bad one with ARM's 400.</summary>
    public static async Task<Func<ArmFilterTarget, bool>?> FromRequestAsync(HttpContext http, bool resourceGroups)
    {
        try
        {
            return Parse(http.Query("$filter"), resourceGroups);
        }
        catch (ArmQueryException e)
        {
            await ArmJson.Error(http, 400, e.Code, e.Message);
            return null;
        }
    }

    public static Func<ArmFilterTarget, bool> Parse(string? text, bool resourceGroups)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return _ => true;
        }

        var parts = Joiner().Split(text.Trim());
        var joiners = parts.Where((_, i) => i % 2 == 1).Select(j => j.Trim().ToLowerInvariant()).Distinct().ToList();
        if (joiners.Count > 1)
        {
            throw Invalid(text);
        }

        var any = joiners.FirstOrDefault() == "or";
        var terms = parts.Where((_, i) => i % 2 == 0).Select(t => ParseTerm(t, text)).ToList();
        var tagName = terms.FirstOrDefault(t => t.Property == "tagname")?.Value;
        var tagValue = terms.FirstOrDefault(t => t.Property == "tagvalue")?.Value;
        if (tagValue is not null && (tagName is null || any))
        {
            throw Invalid(text);
        }

        if (resourceGroups && terms.Any(t => t.Property is not ("tagname" or "tagvalue")))
        {
            throw Invalid(text);
        }

        var predicates = terms.Where(t => t.Property != "tagvalue").Select(t => t.Property == "tagname"
            ? x => x.Tags.TryGetValue(tagName!, out var v) && (tagValue is null || string.Equals(v, tagValue, StringComparison.Ordinal))
            : t.Predicate).ToList();
        return any ? x => predicates.Any(p => p(x)) : x => predicates.All(p => p(x));
    }

    private static Term ParseTerm(string term, string whole)
    {
        var eq = Equality().Match(term);
        if (eq.Success)
        {
            var property = eq.Groups[1].Value.ToLowerInvariant();
            var value = eq.Groups[2].Value.Replace("''", "'", StringComparison.Ordinal);
            Func<ArmFilterTarget, string>? get = property switch
            {
                "name" => x => x.Name,
                "resourcetype" => x => x.ResourceType,
                "location" => x => x.Location,
                "resourcegroup" => x => x.ResourceGroup,
                "tagname" or "tagvalue" => _ => "",
                _ => null,
            };
            if (get is null)
            {
                throw Invalid(whole);
            }

            return new Term(property, value, x => string.Equals(get(x), value, StringComparison.OrdinalIgnoreCase));
        }

        var contains = Substring().Match(term);
        if (contains.Success && contains.Groups[2].Value.ToLowerInvariant() is "name" or "resourcegroup")
        {
            var value = contains.Groups[1].Value.Replace("''", "'", StringComparison.Ordinal);
            var onGroup = contains.Groups[2].Value.Equals("resourceGroup", StringComparison.OrdinalIgnoreCase);
            return new Term("substringof", value, x => (onGroup ? x.ResourceGroup : x.Name).Contains(value, StringComparison.OrdinalIgnoreCase));
        }

        throw Invalid(whole);
    }

    private static ArmQueryException Invalid(string text) => new("InvalidFilterInQueryString", $"Invalid $filter '{text}' specified in the query string.");

    private sealed record Term(string Property, string Value, Func<ArmFilterTarget, bool> Predicate);

    [GeneratedRegex(@"(\s+and\s+|\s+or\s+)", RegexOptions.IgnoreCase)]
    private static partial Regex Joiner();

    [GeneratedRegex(@"^\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex Equality();

    [GeneratedRegex(@"^\s*substringof\(\s*'((?:[^']|'')*)'\s*,\s*(\w+)\s*\)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex Substring();
}

/// <summary>A request ARM refuses as malformed; Code is ARM's error code.</summary>
internal sealed class ArmQueryException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
