// admin-changes.csx: the directory changes of the last `days` days an MSP wants to see in each customer tenant:
// roles granted or removed, users consenting to apps, accounts added, disabled or deleted, passwords reset, sessions
// revoked, Conditional Access policies changed. One row per change, newest first, saying who made it and whether it
// was the partner (an admin agent signed in from the partner's tenant) or someone in the customer's own tenant.
//
// Graph: auditLogs/directoryAudits (AuditLog.Read.All and Directory.Read.All; a GDAP role such as Reports Reader,
// Security Reader or Global Reader). Entra keeps 7 days without Entra ID P1, 30 with it.
// Parameters: days (default 7, at most 30).
// Run:        runner run admin-changes --tenant all
#load "_editor/runner.globals.csx" // IntelliSense in VS Code; Runner skips this line
#load "_lib/paging.csx"

var days = Math.Clamp(Params.Get<int>("days", 7), 1, 30);
var since = DateTimeOffset.UtcNow.AddDays(-days);
string[] watched =
[
    "Add member to role", "Remove member from role", "Consent to application", "Add user", "Delete user", "Disable account",
    "Reset user password", "Invalidate all refresh tokens for user", "Add conditional access policy",
    "Update conditional access policy", "Delete conditional access policy",
];

var audits = await AllPagesAsync<DirectoryAudit, DirectoryAuditCollectionResponse>(await Graph.AuditLogs.DirectoryAudits.GetAsync(r =>
{
    r.QueryParameters.Filter = $"activityDateTime ge {since.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}";
    r.QueryParameters.Top = 999;
}, CancellationToken));

static string? HomeTenant(DirectoryAudit a) =>
    a.InitiatedBy?.User?.AdditionalData.TryGetValue("homeTenantId", out var home) == true ? home?.ToString() : null;

var changes = audits
    .Where(a => watched.Contains(a.ActivityDisplayName))
    .Select(a => new
    {
        when = a.ActivityDateTime?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture),
        activity = a.ActivityDisplayName,
        by = a.InitiatedBy?.User?.UserPrincipalName ?? a.InitiatedBy?.App?.DisplayName,
        byPartner = HomeTenant(a) is { } home && !home.Equals(Tenant.Id.ToString(), StringComparison.OrdinalIgnoreCase),
        target = string.Join(", ", a.TargetResources?.Select(t => t.UserPrincipalName ?? t.DisplayName).OfType<string>() ?? []),
        detail = string.Join("; ", a.TargetResources?.SelectMany(t => t.ModifiedProperties ?? []).Select(p => $"{p.DisplayName}: {p.NewValue}") ?? []),
    })
    .ToList();

Log.LogInformation("{Audits} directory changes in {Days} days, {Watched} watched ({Partner} by the partner).",
    audits.Count, days, changes.Count, changes.Count(c => c.byPartner));
return changes;
