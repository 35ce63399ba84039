using System.Text.Json;
using System.Text.Json.Nodes;
using Runner.Sandbox.Data;

namespace Runner.Sandbox.Graph;

/// <summary>
/// Reads a conditionalAccessPolicy body as "Create conditionalAccessPolicy" and "Update conditionalAccessPolicy" take
/// it: displayName, state, conditions (users, applications, clientAppTypes, locations) and grantControls (operator,
/// builtInControls). What the sandbox does not keep (platforms, risk levels, session controls, custom
/// factors, terms of use) is refused by name with 501 rather than dropped, so a job cannot think it deployed a policy
/// the sandbox would not enforce.
/// </summary>
internal static class ConditionalAccessBody
{
    public static readonly string[] States = ["enabled", "disabled", "enabledForReportingButNotEnforced"];

    private static readonly string[] Controls = ["mfa", "block", "compliantDevice", "domainJoinedDevice", "approvedApplication", "compliantApplication", "passwordChange"];

    private static readonly string[] ClientApps = ["all", "browser", "mobileAppsAndDesktopClients", "exchangeActiveSync", "other"];

    /// <summary>The policy with the body applied to <paramref name="current"/> (a new one when null), or the refusal.</summary>
    public static (ConditionalAccessPolicy? Policy, GraphRefusal? Refusal) Apply(JsonObject body, ConditionalAccessPolicy current)
    {
        try
        {
            var policy = current;
            foreach (var (name, value) in body.Where(p => !p.Key.StartsWith('@')))
            {
                policy = name switch
                {
                    "displayName" => policy with { DisplayName = Text(value, name) },
                    "state" => policy with { State = OneOf(Text(value, name), States, name) },
                    "conditions" => Conditions(policy, value as JsonObject ?? throw new FormatException(name)),
                    "grantControls" => Grant(policy, value as JsonObject ?? throw new FormatException(name)),
                    "id" or "createdDateTime" or "modifiedDateTime" or "templateId" => policy,
                    "sessionControls" when value is null => policy,
                    _ => throw new NotSupportedException(name),
                };
            }

            return policy.DisplayName.Length == 0 ? (null, UserChanges.InvalidValue("displayName")) : (policy, null);
        }
        catch (FormatException e)
        {
            return (null, new GraphRefusal(400, "BadRequest", $"Invalid value for property '{e.Message}' of the conditional access policy."));
        }
        catch (Exception e) when (e is InvalidOperationException or JsonException)
        {
            return (null, new GraphRefusal(400, "BadRequest", $"The conditional access policy could not be read: {e.Message}"));
        }
        catch (NotSupportedException e)
        {
            return (null, new GraphRefusal(501, "NotImplemented", $"The sandbox does not keep '{e.Message}' of a conditional access policy. {Hosting.SandboxDocs.Page} lists what it emulates."));
        }
    }

    private static ConditionalAccessPolicy Conditions(ConditionalAccessPolicy policy, JsonObject conditions)
    {
        foreach (var (name, value) in conditions.Where(p => !p.Key.StartsWith('@')))
        {
            policy = name switch
            {
                "clientAppTypes" => policy with { ClientAppTypes = [.. Strings(value, name).Select(c => OneOf(c, ClientApps, name))] },
                "users" => Users(policy, value as JsonObject ?? throw new FormatException(name)),
                "applications" => Applications(policy, value as JsonObject ?? throw new FormatException(name)),
                "userRiskLevels" or "signInRiskLevels" when value is JsonArray { Count: 0 } => policy,
                "locations" when value is JsonObject locations => Locations(policy, locations),
                "platforms" or "locations" or "devices" or "clientApplications" when value is null => policy,
                _ => throw new NotSupportedException($"conditions/{name}"),
            };
        }

        return policy;
    }

    private static ConditionalAccessPolicy Users(ConditionalAccessPolicy policy, JsonObject users)
    {
        foreach (var (name, value) in users.Where(p => !p.Key.StartsWith('@')))
        {
            policy = name switch
            {
                "includeUsers" => policy with { IncludeUsers = Strings(value, name) },
                "excludeUsers" => policy with { ExcludeUsers = Strings(value, name) },
                "includeGroups" => policy with { IncludeGroups = Strings(value, name) },
                "excludeGroups" => policy with { ExcludeGroups = Strings(value, name) },
                "includeRoles" => policy with { IncludeRoles = [.. Strings(value, name).Select(r => Guid.TryParse(r, out var id) ? id : throw new FormatException(name))] },
                "excludeRoles" => policy with { ExcludeRoles = [.. Strings(value, name).Select(r => Guid.TryParse(r, out var id) ? id : throw new FormatException(name))] },
                _ => throw new NotSupportedException($"conditions/users/{name}"),
            };
        }

        return policy;
    }

    private static ConditionalAccessPolicy Locations(ConditionalAccessPolicy policy, JsonObject locations)
    {
        foreach (var (name, value) in locations.Where(p => !p.Key.StartsWith('@')))
        {
            policy = name switch
            {
                "includeLocations" => policy with { IncludeLocations = Strings(value, name) },
                "excludeLocations" => policy with { ExcludeLocations = Strings(value, name) },
                _ => throw new NotSupportedException($"conditions/locations/{name}"),
            };
        }

        return policy;
    }

    private static ConditionalAccessPolicy Applications(ConditionalAccessPolicy policy, JsonObject applications)
    {
        foreach (var (name, value) in applications.Where(p => !p.Key.StartsWith('@')))
        {
            policy = name switch
            {
                "includeApplications" => policy with { IncludeApplications = Strings(value, name) },
                "excludeApplications" or "includeUserActions" when value is JsonArray { Count: 0 } => policy,
                _ => throw new NotSupportedException($"conditions/applications/{name}"),
            };
        }

        return policy;
    }

    private static ConditionalAccessPolicy Grant(ConditionalAccessPolicy policy, JsonObject grant)
    {
        foreach (var (name, value) in grant.Where(p => !p.Key.StartsWith('@')))
        {
            policy = name switch
            {
                "operator" => policy with { Operator = OneOf(Text(value, name), ["AND", "OR"], name) },
                "builtInControls" => policy with { BuiltInControls = [.. Strings(value, name).Select(c => OneOf(c, Controls, name))] },
                "customAuthenticationFactors" or "termsOfUse" when value is JsonArray { Count: 0 } => policy,
                _ => throw new NotSupportedException($"grantControls/{name}"),
            };
        }

        return policy;
    }

    private static string Text(JsonNode? value, string name) =>
        value is JsonValue v && v.TryGetValue<string>(out var text) ? text : throw new FormatException(name);

    private static string[] Strings(JsonNode? value, string name) =>
        value is JsonArray array ? [.. array.Select(v => Text(v, name))] : throw new FormatException(name);

    private static string OneOf(string value, string[] allowed, string name) =>
        allowed.FirstOrDefault(a => a.Equals(value, StringComparison.OrdinalIgnoreCase)) ?? throw new FormatException(name);
}
