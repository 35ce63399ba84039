using System.Text.Json.Nodes;

namespace Runner.Sandbox.ResourceManager;

/// <summary>
/// The resource providers the sandbox knows. The SDK reads them before it touches a resource of unknown API version
/// (GenericResource.Get picks the newest stable apiVersion listed here) and before tag operations (it uses the Tags
/// API only when Microsoft.Resources lists a "tags" type), so they must be present and consistent.
/// </summary>
internal static class ArmProviders
{
    private static readonly string[] Locations = ["West Europe", "North Europe", "East US", "East US 2", "UK South", "Germany West Central"];

    private static readonly Dictionary<string, (string Type, string[] ApiVersions)[]> Catalog = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Microsoft.Resources"] =
        [
            ("tags", ["2022-09-01", "2021-04-01", "2019-10-01"]),
            ("resourceGroups", ["2022-09-01", "2021-04-01"]),
            ("subscriptions", ["2022-12-01", "2021-01-01"]),
            ("resources", ["2022-09-01", "2021-04-01"]),
            ("providers", ["2022-09-01", "2021-04-01"]),
        ],
        ["Microsoft.Storage"] = [("storageAccounts", ["2023-05-01", "2023-01-01", "2022-09-01"])],
        ["Microsoft.Compute"] = [("virtualMachines", ["2024-07-01", "2024-03-01", "2023-09-01", "2022-11-01", "2022-08-01", "2022-03-01"])],
        ["Microsoft.Network"] = [("virtualNetworks", ["2024-05-01", "2023-11-01", "2023-09-01"])],
        ["Microsoft.Web"] = [("sites", ["2023-12-01", "2023-01-01", "2022-09-01"])],
        ["Microsoft.KeyVault"] = [("vaults", ["2023-07-01", "2023-02-01", "2022-07-01"])],
    };

    public static IEnumerable<string> Namespaces => Catalog.Keys;

    public static bool Exists(string providerNamespace) => Catalog.ContainsKey(providerNamespace);

    /// <summary>The API versions of <paramref name="type"/> (without namespace), or null when the type is unknown.</summary>
    public static string[]? ApiVersions(string providerNamespace, string type) =>
        Catalog.TryGetValue(providerNamespace, out var types)
            ? types.FirstOrDefault(t => string.Equals(t.Type, type, StringComparison.OrdinalIgnoreCase)).ApiVersions
            : null;

    public static JsonObject Provider(string subscriptionId, string providerNamespace)
    {
        var canonical = Catalog.Keys.First(k => string.Equals(k, providerNamespace, StringComparison.OrdinalIgnoreCase));
        return new JsonObject
        {
            ["id"] = $"/subscriptions/{subscriptionId}/providers/{canonical}",
            ["namespace"] = canonical,
            ["registrationState"] = "Registered",
            ["registrationPolicy"] = "RegistrationRequired",
            ["resourceTypes"] = new JsonArray(Catalog[canonical].Select(t => (JsonNode)new JsonObject
            {
                ["resourceType"] = t.Type,
                ["locations"] = new JsonArray(Locations.Select(l => (JsonNode)l).ToArray()),
                ["apiVersions"] = new JsonArray(t.ApiVersions.Select(v => (JsonNode)v).ToArray()),
                ["capabilities"] = "CrossResourceGroupResourceMove, CrossSubscriptionResourceMove, SupportsTags, SupportsLocation",
            }).ToArray()),
        };
    }
}
