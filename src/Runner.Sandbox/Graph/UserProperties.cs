using System.Globalization;
using System.Text.Json.Nodes;
using Runner.Sandbox.Data;

namespace Runner.Sandbox.Graph;

/// <summary>The properties of microsoft.graph.user the sandbox knows, for output, $select, $filter and $orderby.</summary>
internal static class UserProperties
{
    public const string Entity = "microsoft.graph.user";

    /// <summary>What Graph v1.0 returns for a user when no $select is given.</summary>
    public static readonly string[] Default =
        ["businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone", "officeLocation", "preferredLanguage", "surname", "userPrincipalName", "id"];

    /// <summary>Properties Graph only returns to a caller with AuditLog.Read.All.</summary>
    public static readonly string[] NeedAuditLog = ["signInActivity"];

    public static readonly IReadOnlyDictionary<string, FilterProperty<SandboxUser>> Filterable =
        new Dictionary<string, FilterProperty<SandboxUser>>(StringComparer.OrdinalIgnoreCase)
        {
            ["id"] = new(EdmType.String, u => u.Id.ToString()),
            ["accountEnabled"] = new(EdmType.Boolean, u => u.AccountEnabled),
            ["userPrincipalName"] = new(EdmType.String, u => u.UserPrincipalName),
            ["displayName"] = new(EdmType.String, u => u.DisplayName),
            ["givenName"] = new(EdmType.String, u => u.GivenName),
            ["surname"] = new(EdmType.String, u => u.Surname),
            ["mail"] = new(EdmType.String, u => u.Mail ?? u.UserPrincipalName),
            ["jobTitle"] = new(EdmType.String, u => u.JobTitle),
            ["department"] = new(EdmType.String, u => u.Department),
            ["city"] = new(EdmType.String, u => u.City),
            ["country"] = new(EdmType.String, u => u.Country),
            ["usageLocation"] = new(EdmType.String, u => u.UsageLocation),
            ["externalUserState"] = new(EdmType.String, u => u.ExternalUserState),
            ["officeLocation"] = new(EdmType.String, u => u.OfficeLocation),
            ["userType"] = new(EdmType.String, u => u.UserType),
            ["createdDateTime"] = new(EdmType.DateTimeOffset, u => u.CreatedDateTime),
            ["signInActivity/lastSignInDateTime"] = new(EdmType.DateTimeOffset, u => u.LastSignInDateTime),
            ["assignedLicenses/skuId"] = new(EdmType.Guid, u => u.AssignedSkuIds.Cast<object>().ToList(), IsCollection: true),
            // The unlicensed-users query: assignedLicenses/$count eq 0 (an advanced query).
            ["assignedLicenses/$count"] = new(EdmType.Int32, u => u.AssignedSkuIds.Count),
        };

    /// <summary>
    /// Which operators each property allows in a plain query, and which only in an advanced query
    /// (ConsistencyLevel: eventual and $count=true), from the user resource's documentation.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, (string[] Basic, string[] Advanced)> FilterOperators =
        new Dictionary<string, (string[], string[])>(StringComparer.OrdinalIgnoreCase)
        {
            ["id"] = (["eq", "in"], ["ne"]),
            ["accountEnabled"] = (["eq", "in"], ["ne"]),
            ["userPrincipalName"] = (["eq", "ge", "le", "in", "startswith"], ["ne", "endswith"]),
            ["displayName"] = (["eq", "ge", "le", "in", "startswith"], ["ne", "endswith"]),
            ["givenName"] = (["eq", "ge", "le", "in", "startswith"], ["ne", "endswith"]),
            ["surname"] = (["eq", "ge", "le", "in", "startswith"], ["ne", "endswith"]),
            ["mail"] = (["eq", "ge", "le", "in", "startswith"], ["ne", "endswith"]),
            ["jobTitle"] = (["eq", "ge", "le", "in", "startswith"], ["ne", "endswith"]),
            ["department"] = (["eq", "ge", "le", "in", "startswith"], ["ne"]),
            ["city"] = (["eq", "ge", "le", "in", "startswith"], ["ne"]),
            ["country"] = (["eq", "ge", "le", "in", "startswith"], ["ne"]),
            ["usageLocation"] = (["eq", "ge", "le", "in", "startswith"], ["ne"]),
            ["externalUserState"] = (["eq", "in"], ["ne"]),
            ["officeLocation"] = ([], ["eq", "ne", "ge", "le", "in", "startswith", "endswith"]),
            ["userType"] = (["eq", "in"], ["ne"]),
            ["createdDateTime"] = (["eq", "ge", "le", "in"], ["ne"]),
            ["signInActivity/lastSignInDateTime"] = (["eq", "ge", "le"], ["ne"]),
            ["assignedLicenses/skuId"] = (["any"], []),
            ["assignedLicenses/$count"] = ([], ["eq", "ne", "gt", "lt", "ge", "le"]),
        };

    public static readonly string[] Sortable = ["displayName", "userPrincipalName"];

    private static readonly Dictionary<string, Func<SandboxUser, JsonNode?>> Output =
        new(StringComparer.OrdinalIgnoreCase)
        {
            ["id"] = u => u.Id.ToString(),
            ["businessPhones"] = _ => new JsonArray(),
            ["displayName"] = u => u.DisplayName,
            ["givenName"] = u => u.GivenName,
            ["surname"] = u => u.Surname,
            ["jobTitle"] = u => u.JobTitle,
            ["department"] = u => u.Department,
            ["city"] = u => u.City,
            ["country"] = u => u.Country,
            ["mail"] = u => u.Mail ?? u.UserPrincipalName,
            ["mobilePhone"] = u => u.MobilePhone,
            ["officeLocation"] = u => u.OfficeLocation,
            ["preferredLanguage"] = _ => "en-US",
            ["userPrincipalName"] = u => u.UserPrincipalName,
            ["accountEnabled"] = u => u.AccountEnabled,
            ["userType"] = u => u.UserType,
            ["externalUserState"] = u => u.ExternalUserState,
            ["creationType"] = u => u.UserType == "Guest" ? "Invitation" : null,
            ["createdDateTime"] = u => Date(u.CreatedDateTime),
            ["lastPasswordChangeDateTime"] = u => Date(u.LastPasswordChangeDateTime ?? u.CreatedDateTime),
            ["signInSessionsValidFromDateTime"] = u => Date(u.SignInSessionsValidFrom ?? u.CreatedDateTime),
            ["usageLocation"] = u => u.UsageLocation,
            ["assignedLicenses"] = u => new JsonArray(u.AssignedSkuIds.Select(s => (JsonNode)new JsonObject { ["disabledPlans"] = new JsonArray(), ["skuId"] = s.ToString() }).ToArray()),
            ["signInActivity"] = u => new JsonObject
            {
                ["lastSignInDateTime"] = u.LastSignInDateTime is { } d ? Date(d) : null,
                ["lastSignInRequestId"] = u.LastSignInDateTime is null ? null : DeterministicGuid.Create(0, $"signin:{u.Id}").ToString(),
                ["lastNonInteractiveSignInDateTime"] = u.LastSignInDateTime is { } n ? Date(n) : null,
                ["lastNonInteractiveSignInRequestId"] = u.LastSignInDateTime is null ? null : DeterministicGuid.Create(0, $"signin-ni:{u.Id}").ToString(),
                ["lastSuccessfulSignInDateTime"] = u.LastSignInDateTime is { } s ? Date(s) : null,
                ["lastSuccessfulSignInRequestId"] = u.LastSignInDateTime is null ? null : DeterministicGuid.Create(0, $"signin:{u.Id}").ToString(),
            },
        };

    /// <summary>The property's name as Graph spells it, or null when the sandbox does not know it.</summary>
    public static string? Canonical(string name) => Output.Keys.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));

    public static JsonObject Project(SandboxUser user, IEnumerable<string> select)
    {
        var json = new JsonObject();
        foreach (var name in select)
        {
            json[name] = Output[name](user);
        }

        return json;
    }

    /// <summary>The user with this object id or user principal name, as Graph's /users/{id | userPrincipalName} finds it
    /// (call under the content lock).</summary>
    public static SandboxUser? Find(TenantContent content, string idOrUpn) =>
        content.Users.FirstOrDefault(u =>
            u.Id.ToString().Equals(idOrUpn, StringComparison.OrdinalIgnoreCase) || u.UserPrincipalName.Equals(idOrUpn, StringComparison.OrdinalIgnoreCase));

    public static string Date(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
