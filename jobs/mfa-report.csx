// mfa-report.csx: who can sign in without MFA. One row per administrator (members of any directory role) and per
// user not registered for MFA, with how the tenant enforces MFA (security defaults, Conditional Access, or nothing).
//
// Graph: directoryRoles and members (RoleManagement.Read.Directory or Directory.Read.All), Conditional Access and
// security defaults (Policy.Read.All), userRegistrationDetails (AuditLog.Read.All; the customer needs Entra ID P1 or
// P2: without it Graph refuses the report and the rows say mfaRegistered: null).
// Parameters: adminsOnly (default false): only administrators.
// Run:        runner run jobs/mfa-report.csx --tenant all
#load "_editor/runner.globals.csx" // IntelliSense in VS Code; Runner skips this line
#load "_lib/paging.csx"

var adminsOnly = Params.Get<bool>("adminsOnly", false);

// Administrators: the members of every activated directory role (a role with no members is not listed).
var roles = await Graph.DirectoryRoles.GetAsync(cancellationToken: CancellationToken);
var adminRoles = new Dictionary<string, List<string>>();
var adminNames = new Dictionary<string, string>();
foreach (var role in roles?.Value ?? [])
{
    var members = await AllPagesAsync<DirectoryObject, DirectoryObjectCollectionResponse>(
        await Graph.DirectoryRoles[role.Id].Members.GetAsync(cancellationToken: CancellationToken));
    foreach (var user in members.OfType<User>())
    {
        adminNames[user.Id!] = user.UserPrincipalName ?? user.Id!;
        (adminRoles.TryGetValue(user.Id!, out var list) ? list : adminRoles[user.Id!] = []).Add(role.DisplayName!);
    }
}

// How MFA is enforced: security defaults, or an enabled Conditional Access policy requiring MFA.
var defaults = await Graph.Policies.IdentitySecurityDefaultsEnforcementPolicy.GetAsync(cancellationToken: CancellationToken);
var policies = await Graph.Identity.ConditionalAccess.Policies.GetAsync(cancellationToken: CancellationToken);
var mfaPolicies = (policies?.Value ?? []).Count(p => p.State == ConditionalAccessPolicyState.Enabled
    && p.GrantControls?.BuiltInControls?.Contains(ConditionalAccessGrantControl.Mfa) == true);
var enforcement = defaults?.IsEnabled == true ? "security defaults" : mfaPolicies > 0 ? "conditional access" : "none";

// Registration: the report needs a premium licence; without it, admins are still listed with "unknown".
List<UserRegistrationDetails>? registrations = null;
try
{
    registrations = await AllPagesAsync<UserRegistrationDetails, UserRegistrationDetailsCollectionResponse>(
        await Graph.Reports.AuthenticationMethods.UserRegistrationDetails.GetAsync(cancellationToken: CancellationToken));
}
catch (Microsoft.Graph.Models.ODataErrors.ODataError e) when (e.ResponseStatusCode == 403 && e.Error?.Code == "Authentication_RequestFromNonPremiumTenantOrB2CTenant")
{
    Log.LogWarning("{Tenant}: no Entra ID P1/P2, so Graph gives no MFA registration report; listing administrators only", Tenant.Domain);
}

var byId = registrations?.ToDictionary(r => r.Id!) ?? [];
var userIds = adminRoles.Keys.Concat(adminsOnly ? [] : byId.Values.Where(r => r.IsMfaRegistered == false).Select(r => r.Id!)).Distinct();
var rows = 0;
foreach (var id in userIds)
{
    var details = byId.GetValueOrDefault(id);
    rows++;
    Emit(new
    {
        user = details?.UserPrincipalName ?? adminNames.GetValueOrDefault(id) ?? id,
        admin = adminRoles.ContainsKey(id),
        roles = string.Join(", ", adminRoles.GetValueOrDefault(id) ?? []),
        mfaRegistered = details?.IsMfaRegistered,
        methods = details is null ? null : string.Join(", ", details.MethodsRegistered ?? []),
        enforcement,
    });
}

Log.LogInformation("{Tenant}: {Rows} accounts listed, MFA enforced by {Enforcement}", Tenant.Domain, rows, enforcement);
return null;
