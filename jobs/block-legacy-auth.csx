// block-legacy-auth.csx: make sure every customer blocks legacy authentication (IMAP, POP, SMTP AUTH, ActiveSync
// basic auth), which no MFA protects. With Entra ID P1 that is a Conditional Access policy: where none blocks legacy
// clients, one is created in report-only mode (switch it on after checking its sign-in impact). Without P1 it is
// security defaults: switched on where they are off. Tenants already covered are reported and left alone.
//
// This job changes things. Preview it first; nothing is sent in a what-if run:
//            runner run jobs/block-legacy-auth.csx --tenant all --what-if
//            runner run jobs/block-legacy-auth.csx --tenant all --param exclude=breakglass@contoso.onmicrosoft.com
// Scheduled from runner.yaml it needs `writes: true`.
//
// Graph: Policy.Read.All, Policy.ReadWrite.ConditionalAccess, Policy.ReadWrite.SecurityDefaults, Organization.Read.All,
// and a GDAP role that may change them (Conditional Access, Security or Global Administrator).
// Parameters: exclude (comma-separated user principal names kept out of the policy: break-glass accounts),
//             state (enabledForReportingButNotEnforced, the default, or enabled).
#load "_editor/runner.globals.csx" // IntelliSense in VS Code; Runner skips this line

var state = Params.Get<string>("state", "enabledForReportingButNotEnforced");
var excludeNames = Params.Get<string>("exclude", "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
string[] legacyClients = ["exchangeActiveSync", "other"];

var skus = (await Graph.SubscribedSkus.GetAsync(cancellationToken: CancellationToken))?.Value ?? [];
var premium = skus.Any(s => s.CapabilityStatus == "Enabled" && s.ServicePlans!.Any(p => p.ServicePlanName is "AAD_PREMIUM" or "AAD_PREMIUM_P2"));
var defaults = await Graph.Policies.IdentitySecurityDefaultsEnforcementPolicy.GetAsync(cancellationToken: CancellationToken);

if (!premium)
{
    if (defaults?.IsEnabled == true)
    {
        return new[] { new { action = "none", detail = "security defaults are on (they block legacy authentication)" } };
    }

    await Graph.Policies.IdentitySecurityDefaultsEnforcementPolicy.PatchAsync(new IdentitySecurityDefaultsEnforcementPolicy { IsEnabled = true }, cancellationToken: CancellationToken);
    Log.LogWarning("No Entra ID P1 and security defaults were off: switched them on.");
    return new[] { new { action = WhatIf ? "would enable security defaults" : "enabled security defaults", detail = "no Entra ID P1: no Conditional Access" } };
}

var policies = (await Graph.Identity.ConditionalAccess.Policies.GetAsync(cancellationToken: CancellationToken))?.Value ?? [];
var blocking = policies.FirstOrDefault(p =>
    p.GrantControls?.BuiltInControls?.Contains(ConditionalAccessGrantControl.Block) == true &&
    p.Conditions?.ClientAppTypes?.Select(c => c.ToString()!.ToLowerInvariant()) is { } apps &&
    (apps.Contains("all") || legacyClients.All(l => apps.Contains(l.ToLowerInvariant()))));
if (blocking is not null)
{
    var on = blocking.State == ConditionalAccessPolicyState.Enabled;
    return new[] { new { action = on ? "none" : "review", detail = $"'{blocking.DisplayName}' is {blocking.State}" + (on ? "" : ": switch it on after checking its report") } };
}

if (defaults?.IsEnabled == true && state == "enabled")
{
    Log.LogWarning("Security defaults are on; a policy can only be created in report-only mode until they are switched off.");
    state = "enabledForReportingButNotEnforced";
}

var excluded = new List<string>();
foreach (var name in excludeNames)
{
    var user = await Graph.Users[name].GetAsync(r => r.QueryParameters.Select = ["id"], CancellationToken);
    excluded.Add(user!.Id!);
}

var created = await Graph.Identity.ConditionalAccess.Policies.PostAsync(new ConditionalAccessPolicy
{
    DisplayName = "Block legacy authentication",
    State = state == "enabled" ? ConditionalAccessPolicyState.Enabled : ConditionalAccessPolicyState.EnabledForReportingButNotEnforced,
    Conditions = new ConditionalAccessConditionSet
    {
        ClientAppTypes = [ConditionalAccessClientApp.ExchangeActiveSync, ConditionalAccessClientApp.Other],
        Applications = new ConditionalAccessApplications { IncludeApplications = ["All"] },
        Users = new ConditionalAccessUsers { IncludeUsers = ["All"], ExcludeUsers = excluded },
    },
    GrantControls = new ConditionalAccessGrantControls { Operator = "OR", BuiltInControls = [ConditionalAccessGrantControl.Block] },
}, cancellationToken: CancellationToken);

return new[] { new { action = WhatIf ? "would create policy" : "created policy", detail = $"'{created?.DisplayName}' ({state}), {excluded.Count} excluded" } };
