namespace Runner.Sandbox.ResourceManager;

/// <summary>
/// The Azure regions the sandbox lists for every subscription ("Subscriptions - List Locations"): the ones its seeded
/// resources live in and their pairs, with the display names and metadata Azure publishes for them.
/// </summary>
internal static class ArmRegions
{
    public static readonly IReadOnlyList<ArmRegion> All =
    [
        new("eastus", "East US", "(US) East US", "US", "Virginia", "-79.8164", "37.3719", "westus"),
        new("eastus2", "East US 2", "(US) East US 2", "US", "Virginia", "-78.3889", "36.6681", "centralus"),
        new("westus", "West US", "(US) West US", "US", "California", "-122.417", "37.783", "eastus"),
        new("centralus", "Central US", "(US) Central US", "US", "Iowa", "-93.6208", "41.5908", "eastus2"),
        new("northeurope", "North Europe", "(Europe) North Europe", "Europe", "Ireland", "-6.2597", "53.3478", "westeurope"),
        new("westeurope", "West Europe", "(Europe) West Europe", "Europe", "Netherlands", "4.9", "52.3667", "northeurope"),
        new("uksouth", "UK South", "(Europe) UK South", "Europe", "London", "-0.799", "50.941", "ukwest"),
        new("ukwest", "UK West", "(Europe) UK West", "Europe", "Cardiff", "-3.084", "53.427", "uksouth"),
        new("germanywestcentral", "Germany West Central", "(Europe) Germany West Central", "Europe", "Frankfurt", "8.682127", "50.110924", "germanynorth"),
        new("germanynorth", "Germany North", "(Europe) Germany North", "Europe", "Berlin", "8.806422", "53.073635", "germanywestcentral"),
    ];
}

internal sealed record ArmRegion(string Name, string DisplayName, string RegionalDisplayName, string GeographyGroup, string PhysicalLocation,
    string Longitude, string Latitude, string PairedRegion);
