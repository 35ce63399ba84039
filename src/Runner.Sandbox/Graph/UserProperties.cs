using System.Globalization;
using System.Text.Json.Nodes;
using Runner.Sandbox.Data;

namespace Runner.Sandbox.Graph;

/// <summary>The properties of microsoft.graph.user the sandbox knows, for output, $select and $filter.</summary>
internal static class UserProperties
{
    /// <summary>What Graph v1.0 returns for a user when no $select is given.</summary>
    public static readonly string[] Default =
        ["businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone", "officeLocation", "preferredLanguage", "surname", "userPrincipalName", "id"];

    public static readonly IReadOnlyDictionary<string, Func<SandboxUser, object?>> Filterable =
        new Dictionary<string, Func<SandboxUser, object?>>(StringComparer.OrdinalIgnoreCase)
        {
            ["id"] = u => u.Id,
            ["accountEnabled"] = u => u.AccountEnabled,
            ["userPrincipalName"] = u => u.UserPrincipalName,
            ["displayName"] = u => u.DisplayName,
            ["givenName"] = u => u.GivenName,
            ["surname"] = u => u.Surname,
            ["mail"] = u => u.UserPrincipalName,
            ["jobTitle"] = u => u.JobTitle,
            ["userType"] = u => u.UserType,
            ["createdDateTime"] = u => u.CreatedDateTime,
            ["signInActivity/lastSignInDateTime"] = u => u.LastSignInDateTime,
        };

    private static readonly Dictionary<string, Func<SandboxUser, JsonNode?>> Output =
        new(StringComparer.OrdinalIgnoreCase)
        {
            ["id"] = u => u.Id.ToString(),
            ["businessPhones"] = _ => new JsonArray(),
            ["displayName"] = u => u.DisplayName,
            ["givenName"] = u => u.GivenName,
            ["surname"] = u => u.Surname,
            ["jobTitle"] = u => u.JobTitle,
            ["mail"] = u => u.UserPrincipalName,
            ["mobilePhone"] = _ => null,
            ["officeLocation"] = u => u.OfficeLocation,
            ["preferredLanguage"] = _ => "en-US",
            ["userPrincipalName"] = u => u.UserPrincipalName,
            ["accountEnabled"] = u => u.AccountEnabled,
            ["userType"] = u => u.UserType,
            ["createdDateTime"] = u => Date(u.CreatedDateTime),
            ["assignedLicenses"] = u => new JsonArray(u.AssignedSkuIds.Select(s => (JsonNode)new JsonObject { ["disabledPlans"] = new JsonArray(), ["skuId"] = s.ToString() }).ToArray()),
            ["signInActivity"] = u => new JsonObject
            {
                ["lastSignInDateTime"] = u.LastSignInDateTime is { } d ? Date(d) : null,
                ["lastSignInRequestId"] = u.LastSignInDateTime is null ? null : Guid.NewGuid().ToString(),
                ["lastNonInteractiveSignInDateTime"] = u.LastSignInDateTime is { } n ? Date(n) : null,
            },
        };

    public static bool IsKnown(string name) => Output.ContainsKey(name);

    public static JsonObject Project(SandboxUser user, IEnumerable<string> select)
    {
        var json = new JsonObject();
        foreach (var name in select)
        {
            var key = Output.Keys.First(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
            json[key] = Output[key](user);
        }

        return json;
    }

    public static string Date(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
