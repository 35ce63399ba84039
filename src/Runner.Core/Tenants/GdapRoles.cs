namespace Runner.Tenants;

/// <summary>
/// Names of the Microsoft Entra built-in roles a GDAP relationship grants, by role definition id, as "Microsoft Entra
/// built-in roles" lists them; an id not in the table is shown as the id.
/// </summary>
internal static class GdapRoles
{
    private static readonly Dictionary<string, string> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["62e90394-69f5-4237-9190-012177145e10"] = "Global Administrator",
        ["fe930be7-5e62-47db-91af-98c3a49a38b1"] = "User Administrator",
        ["729827e3-9c14-49f7-bb1b-9608f156bbb8"] = "Helpdesk Administrator",
        ["4d6ac14f-3453-41d0-bef9-a3e0c569773a"] = "License Administrator",
        ["fdd7a751-b60b-444a-984c-02652fe8fa1c"] = "Groups Administrator",
        ["194ae4cb-b126-40b2-bd5b-6091b380977d"] = "Security Administrator",
        ["b1be1c3e-b65d-4f19-8427-f6fa0d97feb9"] = "Conditional Access Administrator",
        ["e8611ab8-c189-46e8-94e1-60213ab1f814"] = "Privileged Role Administrator",
        ["7be44c8a-adaf-4e2a-84d6-ab2649e08a13"] = "Privileged Authentication Administrator",
        ["c4e39bd9-1100-46d3-8c65-fb160da0071f"] = "Authentication Administrator",
        ["88d8e3e3-8f55-4a1e-953a-9b9898b8876b"] = "Directory Readers",
        ["9360feb5-f418-4baa-8175-e2a00bac4301"] = "Directory Writers",
        ["f2ef992c-3afb-46b9-b7cf-a126ee74c451"] = "Global Reader",
        ["5d6b6bb7-de71-4623-b4af-96380a352509"] = "Security Reader",
        ["4a5d8f65-41da-4de4-8968-e035b65339cf"] = "Reports Reader",
        ["29232cdf-9323-42fd-ade2-1d097af3e4de"] = "Exchange Administrator",
        ["f28a1f50-f6e7-4571-818b-6a12f2af6b6c"] = "SharePoint Administrator",
        ["69091246-20e8-4a56-aa4d-066075b2a7a8"] = "Teams Administrator",
        ["3a2c62db-5318-420d-8d74-23affee5d9d5"] = "Intune Administrator",
        ["b0f54661-2d74-4c50-afa3-1ec803f12efe"] = "Billing Administrator",
        ["9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"] = "Application Administrator",
        ["158c047a-c907-4556-b7ef-446551a6b5f7"] = "Cloud Application Administrator",
        ["f023fd81-a637-4b56-95fd-791ac0226033"] = "Service Support Administrator",
    };

    public static string Name(string roleDefinitionId) => Names.GetValueOrDefault(roleDefinitionId, roleDefinitionId);
}
