using System.Text.Json;
using System.Text.Json.Nodes;
using Runner.Sandbox.Data;

namespace Runner.Sandbox.Graph;

/// <summary>
/// Reads the body of PATCH /users/{id} ("Update user") and POST /users ("Create user") into changes to a
/// <see cref="SandboxUser"/>, all checked before any is applied, so a refused request changes nothing. What Graph
/// refuses is refused: a property the user resource does not have, a read-only one, a value of the wrong JSON type,
/// and values Entra does not take (an empty displayName, a usageLocation that is not two letters or is cleared, a
/// userPrincipalName outside the tenant's verified domains).
/// </summary>
internal static class UserChanges
{
    /// <summary>The properties the sandbox stores, with the longest value Entra takes for each.</summary>
    private static readonly Dictionary<string, (int MaxLength, bool Nullable, Action<SandboxUser, string?> Set)> Strings =
        new(StringComparer.OrdinalIgnoreCase)
        {
            ["displayName"] = (256, false, (u, v) => u.DisplayName = v!),
            ["givenName"] = (64, true, (u, v) => u.GivenName = v),
            ["surname"] = (64, true, (u, v) => u.Surname = v),
            ["jobTitle"] = (128, true, (u, v) => u.JobTitle = v),
            ["department"] = (64, true, (u, v) => u.Department = v),
            ["officeLocation"] = (128, true, (u, v) => u.OfficeLocation = v),
            ["mobilePhone"] = (64, true, (u, v) => u.MobilePhone = v),
            ["city"] = (128, true, (u, v) => u.City = v),
            ["country"] = (128, true, (u, v) => u.Country = v),
            // "Not nullable" in the user resource: a licensed user must keep one.
            ["usageLocation"] = (2, false, (u, v) => u.UsageLocation = v!.ToUpperInvariant()),
            ["userPrincipalName"] = (113, false, (u, v) => u.UserPrincipalName = v!),
        };

    /// <summary>Properties of microsoft.graph.user that only Entra sets ("user resource type": read-only).</summary>
    private static readonly HashSet<string> ReadOnly = new(StringComparer.OrdinalIgnoreCase)
    {
        "id", "createdDateTime", "deletedDateTime", "signInActivity", "assignedLicenses", "assignedPlans", "provisionedPlans",
        "licenseAssignmentStates", "creationType", "externalUserState", "externalUserStateChangeDateTime", "lastPasswordChangeDateTime",
        "proxyAddresses", "imAddresses", "securityIdentifier", "signInSessionsValidFromDateTime", "onPremisesSyncEnabled",
        "onPremisesLastSyncDateTime", "onPremisesSecurityIdentifier", "onPremisesDistinguishedName", "onPremisesDomainName",
        "onPremisesSamAccountName", "onPremisesUserPrincipalName", "onPremisesProvisioningErrors",
    };

    /// <summary>Writable properties of microsoft.graph.user the sandbox does not keep: answered 501, never ignored.</summary>
    private static readonly HashSet<string> NotEmulated = new(StringComparer.OrdinalIgnoreCase)
    {
        "aboutMe", "ageGroup", "birthday", "businessPhones", "companyName", "consentProvidedForMinor", "customSecurityAttributes",
        "employeeHireDate", "employeeLeaveDateTime", "employeeId", "employeeOrgData", "employeeType", "faxNumber", "hireDate",
        "identities", "interests", "mail", "mailNickname", "mySite", "onPremisesExtensionAttributes", "onPremisesImmutableId",
        "otherMails", "passwordPolicies", "pastProjects", "postalCode", "preferredDataLocation",
        "preferredLanguage", "preferredName", "responsibilities", "schools", "skills", "state", "streetAddress", "userType",
    };

    /// <summary>
    /// The changes <paramref name="body"/> asks for, or the refusal. <paramref name="consumed"/> names properties the
    /// caller reads itself (POST's mailNickname and passwordProfile); <paramref name="verifiedDomains"/> are the
    /// tenant's, for the userPrincipalName.
    /// </summary>
    public static (List<Action<SandboxUser>> Changes, GraphRefusal? Refusal) Read(JsonObject body, IReadOnlyCollection<string> verifiedDomains, params string[] consumed)
    {
        var changes = new List<Action<SandboxUser>>();
        foreach (var (name, value) in body)
        {
            if (name.StartsWith('@') || consumed.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                if (string.Equals(name, "@odata.type", StringComparison.Ordinal) && !IsUserType(value))
                {
                    return ([], new GraphRefusal(400, "BadRequest", $"A type named '{(value as JsonValue)?.ToString()?.TrimStart('#')}' could not be resolved by the model."));
                }

                continue;
            }

            if (ReadOnly.Contains(name))
            {
                // Observed wording; "user resource type" marks these read-only but does not quote the error.
                return ([], new GraphRefusal(400, "Request_BadRequest", $"Property '{name}' is read-only and cannot be set."));
            }

            if (NotEmulated.Contains(name))
            {
                return ([], new GraphRefusal(501, "NotImplemented", $"The sandbox does not store the user property '{name}'. {Hosting.SandboxDocs.Page} lists what it emulates."));
            }

            var refusal = name.Equals("accountEnabled", StringComparison.OrdinalIgnoreCase)
                ? ReadBoolean(value, changes)
                : Strings.TryGetValue(name, out var property)
                    ? ReadString(name, property, value, verifiedDomains, changes)
                    // Observed wording for a name the user resource does not have (msgraph-sdk-dotnet#2352).
                    : new GraphRefusal(400, "Request_BadRequest", $"Invalid property '{name}'.");
            if (refusal is not null)
            {
                return ([], refusal);
            }
        }

        return (changes, null);
    }

    /// <summary>Entra's password complexity for cloud users: 8 to 256 characters, three of the four kinds.</summary>
    public static bool IsComplexEnough(string password) =>
        password.Length is >= 8 and <= 256 &&
        new[] { password.Any(char.IsUpper), password.Any(char.IsLower), password.Any(char.IsDigit), password.Any(c => !char.IsLetterOrDigit(c)) }.Count(b => b) >= 3;

    /// <summary>Graph's refusal of a password that does not meet <see cref="IsComplexEnough"/>.</summary>
    public static GraphRefusal WeakPassword() =>
        new GraphRefusal(400, "Request_BadRequest", "The specified password does not comply with password complexity requirements. Please provide a different password.");

    public static GraphRefusal InvalidValue(string name) =>
        new(400, "Request_BadRequest", $"Invalid value specified for property '{name}' of resource 'User'.");

    private static GraphRefusal? ReadBoolean(JsonNode? value, List<Action<SandboxUser>> changes)
    {
        if (value is not JsonValue json || json.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            return value is null ? InvalidValue("accountEnabled") : WrongType("Edm.Boolean");
        }

        var enabled = json.GetValue<bool>();
        changes.Add(u => u.AccountEnabled = enabled);
        return null;
    }

    private static GraphRefusal? ReadString(string name, (int MaxLength, bool Nullable, Action<SandboxUser, string?> Set) property, JsonNode? value,
        IReadOnlyCollection<string> verifiedDomains, List<Action<SandboxUser>> changes)
    {
        string? text = null;
        if (value is not null)
        {
            if (value is not JsonValue json || json.GetValueKind() != JsonValueKind.String)
            {
                return WrongType("Edm.String");
            }

            text = json.GetValue<string>();
        }

        var canonical = Strings.Keys.First(k => k.Equals(name, StringComparison.OrdinalIgnoreCase));
        if ((text is null && !property.Nullable) || (text is not null && (text.Length > property.MaxLength || (!property.Nullable && text.Trim().Length == 0))))
        {
            return InvalidValue(canonical);
        }

        if (canonical == "usageLocation" && (text!.Length != 2 || !text.All(char.IsAsciiLetter)))
        {
            return InvalidValue(canonical);
        }

        if (canonical == "userPrincipalName" && UpnRefusal(text!, verifiedDomains) is { } upn)
        {
            return upn;
        }

        changes.Add(u => property.Set(u, text));
        return null;
    }

    /// <summary>A UPN is alias@domain with a verified domain of the tenant ("Create user", userPrincipalName).</summary>
    private static GraphRefusal? UpnRefusal(string upn, IReadOnlyCollection<string> verifiedDomains)
    {
        var at = upn.LastIndexOf('@');
        if (at <= 0 || at == upn.Length - 1 || upn.IndexOf('@') != at || upn.Contains(' ', StringComparison.Ordinal))
        {
            return InvalidValue("userPrincipalName");
        }

        return verifiedDomains.Contains(upn[(at + 1)..], StringComparer.OrdinalIgnoreCase)
            ? null
            : new GraphRefusal(400, "Request_BadRequest",
                "The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.");
    }

    private static bool IsUserType(JsonNode? value) =>
        value is JsonValue json && json.TryGetValue<string>(out var type) && type.TrimStart('#').Equals("microsoft.graph.user", StringComparison.OrdinalIgnoreCase);

    /// <summary>The OData reader's refusal of a JSON value of the wrong type.</summary>
    private static GraphRefusal WrongType(string edmType) =>
        new(400, "BadRequest", $"Cannot convert a primitive value to the expected type '{edmType}'. See the inner exception for more details.");
}

/// <summary>A refusal to answer in Graph's error envelope.</summary>
internal sealed record GraphRefusal(int Status, string Code, string Message);
