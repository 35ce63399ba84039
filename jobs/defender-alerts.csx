// defender-alerts.csx: the Microsoft Defender alerts still open in each customer tenant (new or in progress),
// highest severity first: the morning look across every customer a SOC or helpdesk starts with.
//
// Graph: security/alerts_v2 (SecurityAlert.Read.All; a GDAP role such as Security Reader or Security Administrator).
// Customers without Microsoft Defender for Business (or another Defender product) have no alerts.
// Parameters: severity (lowest severity to list: informational, low, medium, the default, or high).
// Run:        runner run defender-alerts --tenant all
#load "_editor/runner.globals.csx" // IntelliSense in VS Code; Runner skips this line
#load "_lib/paging.csx"

using Microsoft.Graph.Models.Security;

string[] order = ["informational", "low", "medium", "high"];
var lowest = Array.IndexOf(order, Params.Get<string>("severity", "medium").ToLowerInvariant());
if (lowest < 0)
{
    throw new ArgumentException("severity must be informational, low, medium or high.");
}

var alerts = await AllPagesAsync<Alert, AlertCollectionResponse>(await Graph.Security.Alerts_v2.GetAsync(r =>
    r.QueryParameters.Filter = "status ne 'resolved'", CancellationToken));

static string Name(object? value) => value?.ToString() is { Length: > 0 } text ? char.ToLowerInvariant(text[0]) + text[1..] : "";

var open = alerts
    .Where(a => Array.IndexOf(order, Name(a.Severity)) >= lowest)
    .OrderByDescending(a => Array.IndexOf(order, Name(a.Severity)))
    .ThenByDescending(a => a.CreatedDateTime)
    .Select(a => new
    {
        severity = Name(a.Severity),
        status = Name(a.Status),
        title = a.Title,
        source = Name(a.ServiceSource),
        user = a.Evidence?.OfType<UserEvidence>().FirstOrDefault()?.UserAccount?.UserPrincipalName,
        created = a.CreatedDateTime?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture),
        assignedTo = a.AssignedTo,
        incident = a.IncidentWebUrl,
    })
    .ToList();

Log.LogInformation("{Open} open alerts, {Listed} at {Severity} or above.", alerts.Count, open.Count, order[lowest]);
return open;
