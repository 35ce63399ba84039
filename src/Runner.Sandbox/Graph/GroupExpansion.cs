using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>$expand=members on groups: which member properties it asks for, and the group with its first members.</summary>
internal static class GroupExpansion
{
    private const int MaxExpanded = 20;

    /// <summary>Members(http), or false after answering Graph's 400 for a property the user resource does not have.</summary>
    public static async Task<(bool Ok, string[]? Select)> ReadAsync(HttpContext http, GraphApi graph)
    {
        try
        {
            return (true, Members(http));
        }
        catch (ODataQueryException e)
        {
            await graph.Error(http, e.Status, e.Code, e.Message);
            return (false, null);
        }
    }

    /// <summary>The member properties $expand=members or members($select=...) asks for; null for no (or another)
    /// expansion. A property the user resource does not have is refused as Graph refuses it.</summary>
    public static string[]? Members(HttpContext http)
    {
        var text = http.Query("$expand")?.Trim();
        const string Prefix = "members($select=";
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (text.Equals("members", StringComparison.OrdinalIgnoreCase))
        {
            return UserProperties.Default;
        }

        if (!text.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || !text.EndsWith(')'))
        {
            return null;
        }

        var names = text[Prefix.Length..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return [.. names.Select(n => UserProperties.Canonical(n)
            ?? throw new ODataQueryException("BadRequest", $"Parsing OData Select and Expand failed: Could not find a property named '{n}' on type '{UserProperties.Entity}'.")).Append("id").Distinct()];
    }

    /// <summary>The group, with its first 20 members when expanded: "$expand" on directory objects returns at most 20
    /// ("Known issues with Microsoft Graph"), so a job that needs them all must list /members. Call under the content lock.</summary>
    public static JsonObject WithMembers(ApiCaller caller, SandboxGroup group, string[]? select, int seed)
    {
        var json = GraphObjects.Group(caller.Tenant, group, seed);
        if (select is not null)
        {
            json["members"] = new JsonArray([.. caller.Tenant.Content.Users.Where(u => group.MemberIds.Contains(u.Id)).Take(MaxExpanded)
                .Select(u => (JsonNode)GraphObjects.TypedUser(u, select))]);
        }

        return json;
    }
}
