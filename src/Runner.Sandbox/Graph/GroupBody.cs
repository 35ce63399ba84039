using System.Text.Json;
using System.Text.Json.Nodes;

namespace Runner.Sandbox.Graph;

/// <summary>
/// Reads the body of "Create group" and "Update group" as Graph checks it: the four properties creation requires, the
/// kinds of group Graph can create (Microsoft 365 and security groups, not mail-enabled security groups or
/// distribution lists), mailNickname's characters, members and owners by reference (at most 20 in all), read-only and
/// unknown properties refused, writable ones the sandbox does not keep answered 501. Nothing is ever ignored.
/// </summary>
internal sealed record GroupBody(
    string? DisplayName,
    string? Description,
    string? MailNickname,
    bool? MailEnabled,
    bool? SecurityEnabled,
    bool Unified,
    string? Visibility,
    List<string> Members,
    List<string> Owners)
{
    private static readonly HashSet<string> ReadOnly = new(StringComparer.OrdinalIgnoreCase)
    {
        "id", "createdDateTime", "deletedDateTime", "mail", "proxyAddresses", "renewedDateTime", "securityIdentifier",
        "onPremisesSyncEnabled", "onPremisesLastSyncDateTime", "onPremisesSecurityIdentifier", "expirationDateTime",
    };

    private static readonly HashSet<string> NotKept = new(StringComparer.OrdinalIgnoreCase)
    {
        "classification", "isAssignableToRole", "membershipRule", "membershipRuleProcessingState", "preferredDataLocation",
        "preferredLanguage", "resourceBehaviorOptions", "resourceProvisioningOptions", "theme", "assignedLabels", "uniqueName",
    };

    private static readonly string[] Visibilities = ["Private", "Public", "HiddenMembership"];

    public static (GroupBody? Body, GraphRefusal? Refusal) Read(JsonObject json, bool create)
    {
        string? displayName = null, description = null, nickname = null, visibility = null;
        bool? mailEnabled = null, securityEnabled = null;
        var unified = false;
        List<string> members = [], owners = [];
        foreach (var (name, value) in json)
        {
            switch (name.ToLowerInvariant())
            {
                case "@odata.type":
                    continue;
                case "displayname" when Text(value) is { Length: > 0 and <= 256 } text:
                    displayName = text;
                    break;
                case "description" when value is null || Text(value) is { Length: <= 1024 }:
                    description = Text(value);
                    break;
                case "mailnickname" when Text(value) is { } text && ValidNickname(text):
                    nickname = text;
                    break;
                case "mailenabled" when Boolean(value) is { } flag:
                    mailEnabled = flag;
                    break;
                case "securityenabled" when Boolean(value) is { } flag:
                    securityEnabled = flag;
                    break;
                case "grouptypes" when create && value is JsonArray types && types.All(t => Text(t) is "Unified"):
                    unified = types.Count > 0;
                    break;
                case "grouptypes" when create && value is JsonArray types && types.Any(t => Text(t) is "DynamicMembership"):
                    return (null, NotStored("groupTypes DynamicMembership"));
                case "visibility" when create && Text(value) is { } text && Visibilities.Contains(text, StringComparer.OrdinalIgnoreCase):
                    visibility = Visibilities.First(v => v.Equals(text, StringComparison.OrdinalIgnoreCase));
                    break;
                case "members@odata.bind" when create && References(value) is { } ids:
                    members = ids;
                    break;
                case "owners@odata.bind" when create && References(value) is { } ids:
                    owners = ids;
                    break;
                default:
                    return (null, Refusal(name));
            }
        }

        if (create)
        {
            foreach (var (required, present) in new[] { ("displayName", displayName is not null), ("mailEnabled", mailEnabled is not null), ("mailNickname", nickname is not null), ("securityEnabled", securityEnabled is not null) })
            {
                if (!present)
                {
                    return (null, new GraphRefusal(400, "Request_BadRequest", $"A value is required for property '{required}' of resource 'Group'."));
                }
            }

            if (mailEnabled == true && !unified)
            {
                // "Create group": mail-enabled security groups and distribution groups are created in Exchange, not Graph.
                return (null, new GraphRefusal(400, "Request_BadRequest", "Creating mail-enabled security groups or distribution lists is not supported through Microsoft Graph."));
            }

            if (members.Count + owners.Count > 20)
            {
                return (null, new GraphRefusal(400, "Request_BadRequest", "The request to create a group can include at most 20 members and owners in all."));
            }
        }

        return (new GroupBody(displayName, description, nickname, mailEnabled, securityEnabled, unified, visibility, members, owners), null);
    }

    private static GraphRefusal Refusal(string name)
    {
        var bare = name.Split('@')[0];
        if (ReadOnly.Contains(bare))
        {
            return new(400, "Request_BadRequest", $"Property '{bare}' is read-only and cannot be set.");
        }

        if (NotKept.Contains(bare))
        {
            return NotStored(bare);
        }

        return GroupChangeKnown(bare) ? InvalidValue(bare) : new(400, "Request_BadRequest", $"Invalid property '{name}'.");
    }

    private static bool GroupChangeKnown(string name) =>
        name.ToLowerInvariant() is "displayname" or "description" or "mailnickname" or "mailenabled" or "securityenabled" or "grouptypes" or "visibility" or "members" or "owners";

    private static GraphRefusal NotStored(string name) =>
        new(501, "NotImplemented", $"The sandbox does not store the group property '{name}'. {Hosting.SandboxDocs.Page} lists what it emulates.");

    private static GraphRefusal InvalidValue(string name) =>
        new(400, "Request_BadRequest", $"Invalid value specified for property '{name}' of resource 'Group'.");

    /// <summary>"group resource type": at most 64 ASCII characters, none of @ () \ [] " ; : &lt;&gt; , or space.</summary>
    private static bool ValidNickname(string text) =>
        text.Length is > 0 and <= 64 && text.All(c => c is > ' ' and < (char)127 && !"@()\\[]\";:<>,".Contains(c));

    /// <summary>The object ids at the end of a list of directoryObjects URLs, or null when it is not one.</summary>
    private static List<string>? References(JsonNode? value) =>
        value is JsonArray urls && urls.All(u => Text(u) is not null)
            ? urls.Select(u => Text(u)!.TrimEnd('/').Split('/')[^1]).ToList()
            : null;

    private static string? Text(JsonNode? value) =>
        value is JsonValue json && json.GetValueKind() == JsonValueKind.String ? json.GetValue<string>() : null;

    private static bool? Boolean(JsonNode? value) =>
        value is JsonValue json && json.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? json.GetValue<bool>() : null;
}
