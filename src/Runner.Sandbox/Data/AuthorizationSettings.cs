namespace Runner.Sandbox.Data;

/// <summary>
/// A tenant's authorization policy: what its users may do by default (consent to apps, register apps, create
/// security groups, invite guests) and what guests see. Seeded per tenant from its own random stream, as tenants of
/// different ages differ: about a third still let users consent to any app (the legacy default), a third to apps of
/// verified publishers asking little (today's default), a third not at all.
/// </summary>
internal sealed class AuthorizationSettings
{
    public const string LegacyConsent = "ManagePermissionGrantsForSelf.microsoft-user-default-legacy";
    public const string LowRiskConsent = "ManagePermissionGrantsForSelf.microsoft-user-default-low";

    /// <summary>The built-in guest roles: "Guest user" (default) and "Restricted Guest User".</summary>
    public const string GuestUser = "10dae51f-b6af-4016-8d66-8c2a99b929b3";
    public const string RestrictedGuest = "2af84b1e-32c8-42b7-82bc-daa82404023b";

    public List<string> PermissionGrantPoliciesAssigned { get; set; } = [LowRiskConsent];

    public bool AllowedToCreateApps { get; set; } = true;

    public bool AllowedToCreateSecurityGroups { get; set; } = true;

    public bool AllowedToReadOtherUsers { get; set; } = true;

    public string AllowInvitesFrom { get; set; } = "everyone";

    public string GuestUserRoleId { get; set; } = GuestUser;

    public bool AllowedToUseSspr { get; set; } = true;

    public bool BlockMsolPowerShell { get; set; }

    public bool AllowsUserConsent => PermissionGrantPoliciesAssigned.Count > 0;

    public static AuthorizationSettings Seed(int seed, SandboxTenant tenant)
    {
        var random = new Random(DeterministicGuid.RandomSeed(seed, $"authorization-policy:{tenant.Id}"));
        return new AuthorizationSettings
        {
            PermissionGrantPoliciesAssigned = random.Next(3) switch { 0 => [LegacyConsent], 1 => [LowRiskConsent], _ => [] },
            AllowedToCreateApps = random.Next(3) != 0,
            AllowedToCreateSecurityGroups = random.Next(4) != 0,
            AllowInvitesFrom = random.Next(3) == 0 ? "adminsAndGuestInviters" : "everyone",
            GuestUserRoleId = random.Next(4) == 0 ? RestrictedGuest : GuestUser,
            BlockMsolPowerShell = random.Next(5) == 0,
        };
    }
}
